# Pinned tool versions and the installers for them: the one place they are named.
# Sourced by scripts/run and scripts/test. Every installer skips work already done, so a
# warm machine pays nothing; a fresh one gets everything from crates.io, npm or Debian.
# shellcheck shell=bash

CARGO_LEPTOS_VERSION="0.3.10"
WASM_BINDGEN_VERSION="0.2.130"   # must equal the wasm-bindgen crate pin in Cargo.toml
BINARYEN_VERSION="132"           # wasm-opt, used by release builds
PLAYWRIGHT_VERSION="1.65.1"      # pinned in end2end/package.json too

# The release build users run (scripts/run), CI tests (scripts/test) and scripts/wasm-size
# measures: one definition so the three cannot drift. --split moves every page but the
# player into wasm chunks loaded on demand; --precompress writes .br and .gz copies that the
# server sends to browsers that accept them (README, "Browser bundle").
LEPTOS_RELEASE_FLAGS=(--release --split --precompress)

# Tools that are not Rust crates live outside the clone so CI runs can reuse them.
WP_TOOLS_DIR="${WP_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wizard-platform/tools}"
export PATH="$HOME/.cargo/bin:$WP_TOOLS_DIR/node_modules/.bin:$PATH"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root for: $*"; fi
}

APT_UPDATED=""
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found: install $* by hand"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Tools are built with light optimisation: they orchestrate builds, their own speed hardly
# matters, and a fresh machine compiles them in about 10 minutes instead of 15.
cargo_install_tool() {
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_DEBUG=false CARGO_PROFILE_RELEASE_STRIP=true cargo install "$@"
}

ensure_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown && return
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
}

ensure_wasm_bindgen() {
  if wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then return; fi
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
  # Not --locked: its lockfile names a crate version the registry lacks.
  cargo_install_tool wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
}

ensure_cargo_leptos() {
  if cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION\$"; then return; fi
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 10 minutes on 2 cores)"
  # no_downloads: use wasm-bindgen / wasm-opt from PATH instead of fetching binaries.
  cargo_install_tool "cargo-leptos@$CARGO_LEPTOS_VERSION" --locked --features no_downloads --force
}

ensure_wasm_opt() {
  if wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then return; fi
  log "installing wasm-opt (npm binaryen@$BINARYEN_VERSION)"
  mkdir -p "$WP_TOOLS_DIR"
  npm install --silent --no-audit --no-fund --prefix "$WP_TOOLS_DIR" "binaryen@$BINARYEN_VERSION" >/dev/null
}

ensure_build_tools() {
  command -v cargo >/dev/null || die "cargo not found: install Rust (rustup) first"
  command -v npm >/dev/null || apt_install nodejs npm
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_cargo_leptos
  ensure_wasm_opt
}

ensure_chromium() {
  [ -x /usr/bin/chromium ] && return
  log "installing Chromium from Debian"
  apt_install chromium
}

ensure_end2end_packages() {
  if [ -x end2end/node_modules/.bin/playwright ] \
     && end2end/node_modules/.bin/playwright --version | grep -q "$PLAYWRIGHT_VERSION"; then return; fi
  log "installing end-to-end test packages"
  # Playwright must not download browsers here: it drives Debian's Chromium.
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund)
}

# Puts initdb/pg_ctl on PATH, installing Debian's PostgreSQL if there is none.
ensure_postgres() {
  if ! command -v initdb >/dev/null || ! command -v pg_ctl >/dev/null; then
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
    if [ -z "$bin" ]; then
      log "installing PostgreSQL from Debian"
      apt_install postgresql
      bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
    fi
    export PATH="$bin:$PATH"
  fi
}

pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Starts an empty PostgreSQL cluster in DATA (under WORK, which holds its socket and log) on
# a free port of 127.0.0.1, with any extra server settings given (`-c name=value` ...), and
# sets PG_URL. The caller stops it: `pg_as_owner pg_ctl -D DATA -m fast stop`.
start_throwaway_postgres() {
  local work=$1 data=$2; shift 2
  ensure_postgres
  local port; port=$(free_port)
  # PostgreSQL refuses to run as root: hand the directory to the postgres user.
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$work"
  fi
  pg_as_owner initdb -D "$data" -A trust -U wp 2>&1
  pg_as_owner pg_ctl -D "$data" -w -l "$work/pg.log" \
    -o "-p $port -k $work -c listen_addresses=127.0.0.1 $*" start >/dev/null
  PG_URL="postgres://wp@127.0.0.1:$port/postgres"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Real third-party peers the server tests call on 127.0.0.1: httpbin under gunicorn (REST),
# mcp-server-time (MCP over stdio, PyPI) and server-everything (MCP over stdio and
# streamable HTTP, npm). Pinned; installed once into the tools directory. Exports the
# paths the tests read (WP_PEER_*).
HTTPBIN_VERSION="0.10.4"
GUNICORN_VERSION="27.0.1"
MCP_SERVER_TIME_VERSION="2026.10.19"
MCP_EVERYTHING_VERSION="2026.8.31"
ensure_test_peers() {
  local venv="$WP_TOOLS_DIR/peers-venv" node="$WP_TOOLS_DIR/peers-node"
  if ! "$venv/bin/python" -c 'import httpbin, gunicorn' 2>/dev/null \
     || [ ! -x "$venv/bin/mcp-server-time" ]; then
    log "installing test peers from PyPI (httpbin, gunicorn, mcp-server-time)"
    mkdir -p "$WP_TOOLS_DIR"
    python3 -m venv "$venv" || { apt_install python3-venv; python3 -m venv "$venv"; }
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
      "httpbin==$HTTPBIN_VERSION" "gunicorn==$GUNICORN_VERSION" "mcp-server-time==$MCP_SERVER_TIME_VERSION"
  fi
  local everything="$node/node_modules/@modelcontextprotocol/server-everything/dist/index.js"
  if [ ! -f "$everything" ]; then
    log "installing test peers from npm (@modelcontextprotocol/server-everything)"
    mkdir -p "$node"
    npm install --silent --no-audit --no-fund --prefix "$node" \
      "@modelcontextprotocol/server-everything@$MCP_EVERYTHING_VERSION" >/dev/null
  fi
  export WP_PEER_GUNICORN="$venv/bin/gunicorn"
  export WP_PEER_PYTHON="$venv/bin/python"
  export WP_PEER_MCP_TIME="$venv/bin/mcp-server-time"
  export WP_PEER_MCP_EVERYTHING="$everything"
}

# schemathesis (PyPI), pinned: scripts/api-contract fuzzes the release server with it.
SCHEMATHESIS_VERSION="4.32.5"
ensure_schemathesis() {
  local venv="$WP_TOOLS_DIR/schemathesis-venv"
  if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -qF "version $SCHEMATHESIS_VERSION"; then
    log "installing schemathesis $SCHEMATHESIS_VERSION from PyPI"
    mkdir -p "$WP_TOOLS_DIR"
    python3 -m venv "$venv" || { apt_install python3-venv; python3 -m venv "$venv"; }
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  fi
  export WP_SCHEMATHESIS="$venv/bin/schemathesis"
}
