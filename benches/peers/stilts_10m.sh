#!/usr/bin/env bash
# STILTS plot2sky on the 10M-row FITS catalog of benches/load_catalog.rs, 2048² Aitoff PNG,
# in each shading mode, against clusterviz on the same file (best of 3 wall times each).
# Needs Debian's `stilts` package. Usage: benches/peers/stilts_10m.sh [clusterviz binary]
set -euo pipefail
cd "$(dirname "$0")/../.."
f=target/bench-data/galaxies_10m.fits
[ -f "$f" ] || cargo bench --bench load_catalog -- no_benchmark_matches >/dev/null
cv=${1:-target/release/clusterviz}
best() { local m=999; for _ in 1 2 3; do
    t=$( { /usr/bin/time -f %e "$@" >/dev/null 2>/tmp/peer.err; } 2>&1; tail -1 /tmp/peer.err)
    m=$(python3 -c "print(min($m, $t))"); done; echo "$m s"; }
for shading in flat auto density; do
    echo "stilts shading=$shading: $(best stilts -Xmx6G plot2sky in=$f lon=RIGHT_ASCENSION lat=DECLINATION \
        projection=aitoff xpix=2048 ypix=2048 layer1=mark shading1=$shading out=/tmp/stilts.png)"
done
echo "clusterviz, cache warm: $(best $cv render --galaxies $f --projection ait --size 2048x2048 -o /tmp/cv.png)"
echo "clusterviz, --no-cache: $(best $cv render --galaxies $f --projection ait --size 2048x2048 --no-cache -o /tmp/cv.png)"
