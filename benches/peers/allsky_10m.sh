#!/usr/bin/env bash
# All-sky first look (issue 15): a uniform 10M-row all-sky FITS catalog to a 2048×1024
# Aitoff PNG, clusterviz (no cache, and cache warm) against STILTS plot2sky, best of 3 wall
# times each, in one session. Needs Debian's `stilts` and a Python with numpy and astropy
# (PYTHON, default python3). Usage: [ROWS=N] benches/peers/allsky_10m.sh [clusterviz binary]
# (ROWS: 10000000 unless given; 1M and 100M are the issue's other sizes)
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${ROWS:-10000000}
f=target/bench-data/allsky_$((rows / 1000000))m.fits
mkdir -p target/bench-data
[ -f "$f" ] || "${PYTHON:-python3}" benches/peers/allsky_catalog.py "$f" "$rows"
cv=${1:-target/release/clusterviz}
best() { local m=999; for _ in 1 2 3; do
    t=$( { /usr/bin/time -f %e "$@" >/dev/null 2>/tmp/peer.err; } 2>&1; tail -1 /tmp/peer.err)
    m=$(python3 -c "print(min($m, $t))"); done; echo "$m s"; }
cat "$f" >/dev/null  # page cache warm for everyone
echo "clusterviz --no-cache: $(best $cv render --galaxies $f --size 2048x1024 --no-cache -o /tmp/cv.png)"
echo "clusterviz, cache warm: $(best $cv render --galaxies $f --size 2048x1024 -o /tmp/cv.png)"
for shading in auto density; do
    echo "stilts shading=$shading: $(best stilts -Xmx6G plot2sky in=$f lon=RA lat=DEC \
        projection=aitoff xpix=2048 ypix=1024 layer1=mark shading1=$shading out=/tmp/stilts.png)"
done
