#!/bin/sh
# Install or update the lobby kiosk on Debian 12, as docs/deploy.md describes: run as root from the
# source tree it belongs to (normally /opt/kiosk/src). Safe to run again after `git pull`.
#
#   sudo /opt/kiosk/src/deploy/install.sh [--wheels DIR]
#
# --wheels DIR: install the Python packages from DIR (a wheelhouse made with `pip download
# --require-hashes --no-deps -d DIR -r requirements.lock` on another machine) instead of from PyPI.
set -eu

SRC=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=/opt/kiosk
WHEELS=
while [ $# -gt 0 ]; do
    case "$1" in
        --wheels) WHEELS=$2; shift 2 ;;
        --wheels=*) WHEELS=${1#--wheels=}; shift ;;
        *) echo "usage: $0 [--wheels DIR]" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "install.sh: run as root (sudo)" >&2; exit 2; }
step() { printf '== %s\n' "$*"; }

step "1. Debian packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# xwayland: Debian's cage 0.1.4 does not start without it ("Cannot find Xwayland binary").
# fontconfig: builds the system font cache, so foot does not scan every font at each start.
# espeak-ng, alsa-utils: reading aloud (espeak-ng's voices for all twelve languages, aplay to the card).
apt-get install -y -qq --no-install-recommends \
    cage xwayland foot fontconfig fonts-dejavu-core fonts-noto-core \
    python3 python3-venv ca-certificates procps dbus libpam-systemd polkitd espeak-ng alsa-utils >/dev/null

step "2. users: kiosk (runs the kiosk), kiosk-staff (may restart and reload it)"
id -u kiosk >/dev/null 2>&1 ||
    useradd --system --user-group --home-dir /var/lib/kiosk --shell /usr/sbin/nologin kiosk
getent group kiosk-staff >/dev/null || groupadd --system kiosk-staff

step "3. the program: $PREFIX/venv from requirements.lock"
[ -x "$PREFIX/venv/bin/python" ] || python3 -m venv "$PREFIX/venv"
if [ -n "$WHEELS" ]; then
    set -- --no-index --find-links "$WHEELS"
else
    set --
fi
"$PREFIX/venv/bin/pip" install -q --disable-pip-version-check "$@" --require-hashes --no-deps \
    -r "$SRC/requirements.lock"
"$PREFIX/venv/bin/pip" install -q --disable-pip-version-check "$@" --no-deps --no-build-isolation \
    --force-reinstall "$SRC"

step "4. settings: /etc/kiosk (kiosk.toml is kept if it exists)"
install -d -m 0755 /etc/kiosk
[ -e /etc/kiosk/kiosk.toml ] || install -m 0640 -o root -g kiosk "$SRC/deploy/kiosk.toml" /etc/kiosk/kiosk.toml
install -m 0644 "$SRC/deploy/foot.ini" /etc/kiosk/foot.ini
install -D -m 0644 "$SRC/deploy/50-kiosk-staff.rules" /etc/polkit-1/rules.d/50-kiosk-staff.rules
install -D -m 0644 "$SRC/deploy/logind-kiosk.conf" /etc/systemd/logind.conf.d/kiosk.conf

step "5. the service"
install -m 0644 "$SRC/kiosk.service" /etc/systemd/system/kiosk.service
systemd-analyze verify /etc/systemd/system/kiosk.service
systemctl enable --quiet kiosk.service
systemctl set-default --quiet graphical.target
systemctl mask --quiet ctrl-alt-del.target   # a keyboard in the lobby must not reboot the PC
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl try-reload-or-restart systemd-logind.service   # reads logind.conf.d/kiosk.conf
    systemctl reset-failed kiosk.service 2>/dev/null || true
    systemctl restart kiosk.service
    step "done: the kiosk is starting on tty1 (systemctl status kiosk)"
else
    step "done: the kiosk starts at the next boot"
fi
