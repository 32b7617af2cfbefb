#!/bin/sh
# Installs Vigil from this tarball on a Linux system without dpkg, in the same places as the
# Debian package: /usr/share/vigil, /usr/lib/vigil, /usr/bin/vigil, /etc/vigil, /var/lib/vigil,
# and the hardened unit /lib/systemd/system/vigil.service. Run it as root from the unpacked folder.
#
#   ./install.sh                 install, or upgrade in place; keeps an edited /etc/vigil/vigil.yaml
#                                (the new one is written next to it as vigil.yaml.new)
#   ./install.sh --no-start      install without enabling or starting the service
#   ./install.sh --uninstall     stop and remove the program; keep /etc/vigil and /var/lib/vigil
#   ./install.sh --uninstall --purge
#                                also remove /etc/vigil; /var/lib/vigil (the ledger of every
#                                prediction, models, keys) stays unless --delete-data is given too
set -eu

here=$(cd "$(dirname "$0")" && pwd)
action=install
start=yes
purge=no
delete_data=no
for arg in "$@"; do
    case "$arg" in
        --uninstall) action=uninstall ;;
        --no-start) start=no ;;
        --purge) purge=yes ;;
        --delete-data) delete_data=yes ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option '$arg' (see --help)" >&2; exit 64 ;;
    esac
done

if [ "$(id -u)" != 0 ]; then
    echo "install.sh: run as root (it creates the vigil user and installs a system service)" >&2
    exit 77
fi

have_systemd() { [ -d /run/systemd/system ]; }

if [ "$action" = uninstall ]; then
    if have_systemd; then
        systemctl disable --now vigil.service >/dev/null 2>&1 || true
    fi
    rm -f /lib/systemd/system/vigil.service /usr/bin/vigil /usr/share/man/man1/vigil.1.gz
    rm -rf /usr/share/vigil /usr/lib/vigil /usr/share/doc/vigil
    if have_systemd; then
        systemctl daemon-reload || true
    fi
    if [ "$purge" = yes ]; then
        rm -rf /etc/vigil
    fi
    if [ "$delete_data" = yes ]; then
        rm -rf /var/lib/vigil
    elif [ -d /var/lib/vigil ]; then
        echo "install.sh: kept /var/lib/vigil (the ledger, models and keys); delete it by hand once archived"
    fi
    echo "install.sh: Vigil removed"
    exit 0
fi

# Java 17 or newer: the one thing this tarball needs from the system.
java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java
if ! major=$("$java_bin" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p') \
        || [ -z "$major" ] || [ "${major%%.*}" -lt 17 ]; then
    echo "install.sh: Vigil needs a Java runtime 17 or newer as 'java' on the PATH (or JAVA_HOME); found: ${major:-none}" >&2
    exit 69
fi

if ! getent passwd vigil >/dev/null; then
    if command -v adduser >/dev/null 2>&1 && adduser --help 2>&1 | grep -q -- --system; then
        adduser --quiet --system --group --no-create-home --home /var/lib/vigil \
            --shell /usr/sbin/nologin vigil
    else
        groupadd --system vigil 2>/dev/null || true
        useradd --system --gid vigil --no-create-home --home-dir /var/lib/vigil \
            --shell /usr/sbin/nologin vigil
    fi
fi

install -d -m 0755 /usr/share/vigil /usr/lib/vigil /usr/share/doc/vigil /usr/share/man/man1 \
    /lib/systemd/system
install -m 0644 "$here/usr/share/vigil/vigil.jar" /usr/share/vigil/vigil.jar
for so in "$here"/usr/lib/vigil/*.so; do
    install -m 0644 "$so" /usr/lib/vigil/
done
install -m 0755 "$here/usr/bin/vigil" /usr/bin/vigil
install -m 0644 "$here/lib/systemd/system/vigil.service" /lib/systemd/system/vigil.service
install -m 0644 "$here/usr/share/man/man1/vigil.1.gz" /usr/share/man/man1/vigil.1.gz
for doc in "$here"/usr/share/doc/vigil/*; do
    install -m 0644 "$doc" /usr/share/doc/vigil/
done

install -d -m 0750 -o root -g vigil /etc/vigil /etc/vigil/trust
if [ -e /etc/vigil/vigil.yaml ] && ! cmp -s /etc/vigil/vigil.yaml "$here/etc/vigil/vigil.yaml"; then
    install -m 0640 -o root -g vigil "$here/etc/vigil/vigil.yaml" /etc/vigil/vigil.yaml.new
    echo "install.sh: kept your /etc/vigil/vigil.yaml; this version's is /etc/vigil/vigil.yaml.new"
else
    install -m 0640 -o root -g vigil "$here/etc/vigil/vigil.yaml" /etc/vigil/vigil.yaml
fi
install -m 0640 -o root -g vigil "$here/etc/vigil/trust/README" /etc/vigil/trust/README
install -d -m 0750 -o vigil -g vigil /var/lib/vigil

if have_systemd; then
    systemctl daemon-reload
    if [ "$start" = yes ]; then
        systemctl enable vigil.service >/dev/null 2>&1
        # restart, not start: an upgrade in place must run the new jar.
        systemctl restart vigil.service
        echo "install.sh: Vigil installed and running; check it with: vigil doctor"
        exit 0
    fi
fi
echo "install.sh: Vigil installed; start it with: systemctl enable --now vigil"
