#!/usr/bin/env bash
# System packages the gpu.js GPU-API tests need on a fresh Debian 12 (bookworm) machine, as root.
# Idempotent and fast when already done: it checks what is installed before touching apt.
#
#  - WebGPU through Dawn (npm `webgpu@0.6.2`) needs a Vulkan driver Dawn accepts: Mesa's lavapipe
#    from bookworm-backports (25.x); bookworm's own Mesa 22.3 is rejected by Dawn.
#  - headlessgl (npm `gl@8.1.6`, an optional dependency of gpu.js) is built from source by
#    `npm ci`: its build headers must be present BEFORE `npm ci` (the build otherwise fails
#    silently and gpu.js falls back to webasm), and it runs under Xvfb (`xvfb-run -a`).
# Run it before `npm ci` (.ci/run does). Set PURENET_SKIP_HEADLESSGL=1 to skip the GL part.
set -euo pipefail

say() { echo "gpu-setup: $*"; }

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    exec sudo -n -E bash "$0" "$@"
  fi
  say "not root and no passwordless sudo: cannot install system packages; GPU-API tests will report skips"
  exit 0
fi

if ! grep -qs 'VERSION_CODENAME=bookworm' /etc/os-release; then
  say "not Debian 12 (bookworm); install a Vulkan driver Dawn accepts (Mesa >= 24) by hand"
  exit 0
fi

installed_version() { dpkg-query -W -f='${Status} ${Version}\n' "$1" 2>/dev/null | awk '$3 == "installed" { print $4 }'; }

# Mesa from backports is 25.x; bookworm's own is 22.3.
mesa_ok() {
  local v
  v="$(installed_version mesa-vulkan-drivers)"
  [ -n "$v" ] && [ "${v%%.*}" -ge 24 ] 2>/dev/null && [ -n "$(installed_version libvulkan1)" ]
}

gl_packages=(build-essential python3 pkg-config libx11-dev libxi-dev libxext-dev libgl1-mesa-dev libglu1-mesa-dev
  xvfb xauth libgl1-mesa-dri)
missing_gl=()
if [ "${PURENET_SKIP_HEADLESSGL:-0}" != 1 ]; then
  for p in "${gl_packages[@]}"; do
    [ -n "$(installed_version "$p")" ] || missing_gl+=("$p")
  done
fi

if mesa_ok && [ ${#missing_gl[@]} -eq 0 ]; then
  say "already installed (mesa-vulkan-drivers $(installed_version mesa-vulkan-drivers))"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  say "adding the bookworm-backports suite"
  cat > /etc/apt/sources.list.d/bookworm-backports.sources <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
fi

apt-get update -qq
# One transaction with backports as the target release, so every Mesa package (Vulkan and GL)
# comes from the same Mesa; packages not in backports (xvfb, build headers) come from bookworm.
packages=("${missing_gl[@]}")
mesa_ok || packages+=(mesa-vulkan-drivers libvulkan1)
say "installing ${packages[*]}"
apt-get install -y -qq --no-install-recommends -t bookworm-backports "${packages[@]}" >/dev/null
mesa_ok || { say "mesa-vulkan-drivers >= 24 did not install; WebGPU (Dawn) will report no adapter"; exit 1; }
say "done (mesa-vulkan-drivers $(installed_version mesa-vulkan-drivers)); build gl with JOBS=max npm ci for speed"
