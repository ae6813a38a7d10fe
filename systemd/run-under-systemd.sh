#!/bin/bash
# Runs modelwarden.service, as installed by `make install`, under a real systemd (PID 1 of throwaway
# pid/mount/net/uts/ipc/cgroup namespaces; overlays keep /etc /var /usr/local /srv /home untouched).
#   run-under-systemd.sh BINARY            # BINARY must implement `daemon --config FILE`
#   REMOTE=1: listen 0.0.0.0 with a LoadCredential token and IPAddressAllow=10.0.0.0/8, curl 10.9.9.9 with and without it
#   EXTRA_DROPIN="[Service]\nWatchdogSec=2s\n" SETTLE=6: one more drop-in, and a wait before reading the state
# Needs root, unshare and nsenter (util-linux) and a systemd installation; run `make` first and pass
# .build/release/modelwarden. Leaves nothing behind but /tmp/mwtest/run.* (logs).
set -u
SRC=${SRC:-$(cd "$(dirname "$0")/.." && pwd)}; BIN=$(readlink -f "$1"); mkdir -p /tmp/mwtest; W=$(mktemp -d /tmp/mwtest/run.XXXX); chmod 755 $W
cat > $W/inner.sh <<INNER
#!/bin/bash
set -e
for d in etc var usr/local srv home; do n=\${d//\//_}; mkdir -p $W/ov/\$n-up $W/ov/\$n-work
  mount -t overlay overlay -o lowerdir=/\$d,upperdir=$W/ov/\$n-up,workdir=$W/ov/\$n-work /\$d; done
mount -t tmpfs tmpfs /run
mount --make-rshared /
mkdir -p /srv/deployments && cp -r $SRC/Deployments/. /srv/deployments/
(cd $SRC && make -s install BINARY=$BIN)
mkdir -p /etc/systemd/system/modelwarden.service.d
printf '[Unit]\nDefaultDependencies=no\n' > /etc/systemd/system/modelwarden.service.d/test.conf
printf '[Service]\nExecStartPre=/usr/bin/python3 -c "import socket; print(\\\\"getaddrinfo AI_ADDRCONFIG:\\\\", sorted({a[4][0] for a in socket.getaddrinfo(\\\\"localhost\\\\", 9464, flags=socket.AI_ADDRCONFIG)}))"\n' >> /etc/systemd/system/modelwarden.service.d/test.conf
printf '[Unit]\nDefaultDependencies=no\n' > /etc/systemd/system/mwtest.target
[ -n "${EXTRA_DROPIN:-}" ] && printf "\$EXTRA_DROPIN" > /etc/systemd/system/modelwarden.service.d/extra.conf
if [ -n "${REMOTE:-}" ]; then
  ip addr add 10.9.9.9/32 dev lo
  install -m 0600 /dev/null /etc/modelwarden/token; echo 0123456789abcdef0123456789abcdef > /etc/modelwarden/token
  printf '[Service]\nLoadCredential=token:/etc/modelwarden/token\nIPAddressAllow=10.0.0.0/8\n' > /etc/systemd/system/modelwarden.service.d/remote.conf
  sed -i 's|^listen: .*|listen: 0.0.0.0:9464|;' /etc/modelwarden/modelwarden.yaml
fi
ip link set lo up
export container=mwtest
exec /lib/systemd/systemd --system --unit=mwtest.target --log-target=console
INNER
chmod +x $W/inner.sh
setsid unshare --pid --fork --mount-proc --mount --uts --ipc --net --cgroup --propagation private $W/inner.sh > $W/pid1.log 2>&1 &
UNSHARE=$!
P=; for i in $(seq 50); do P=$(pgrep -P $UNSHARE -x systemd); [ -n "$P" ] && nsenter -t $P -a systemctl is-system-running >/dev/null 2>&1 && break; sleep 0.2; done
[ -z "$P" ] && { echo "systemd did not come up"; cat $W/pid1.log; exit 1; }
S="nsenter -t $P -a"
step() { echo; echo "\$ $*"; $S "$@"; }
$S systemctl start systemd-journald.socket systemd-journald.service
step systemctl start modelwarden; echo "exit $?"
step systemctl status modelwarden --no-pager -n 0
step curl -s -m 3 http://127.0.0.1:9464/healthz; step curl -s -m 3 -g 'http://[::1]:9464/healthz'
step curl -s -m 3 http://127.0.0.1:9464/readyz; step sh -c 'curl -s -m 3 http://127.0.0.1:9464/v1/inventory | head -c 400'
step sh -c 'echo "OPENAI_MODEL=gpt-4o" > /srv/deployments/added.env'; sleep ${WAIT:-4}
step sh -c 'curl -s -m 3 http://127.0.0.1:9464/v1/scans | head -c 400'
if [ -n "${REMOTE:-}" ]; then
  step sh -c 'curl -s -m 3 -o /dev/null -w "%{http_code}\n" http://10.9.9.9:9464/v1/inventory'
  step sh -c 'curl -s -m 3 -o /dev/null -w "%{http_code}\n" -H "Authorization: Bearer $(cat /etc/modelwarden/token)" http://10.9.9.9:9464/v1/inventory'
fi
step systemctl reload modelwarden; echo "exit $?"
sleep ${SETTLE:-0}
step systemctl show modelwarden -p WatchdogUSec -p WatchdogTimestampMonotonic -p ActiveState -p SubState -p StatusText -p NRestarts
step ls -la /var/lib/modelwarden/
step systemctl stop modelwarden
step systemctl show modelwarden -p Result -p ExecMainStatus
step journalctl --no-pager -o cat -u modelwarden
step sh -c "journalctl --no-pager -o short -n 40 | grep -v systemd-journald"
step sh -c "systemd-analyze security modelwarden --no-pager | grep -E \"✗|Overall\""
$S systemctl exit >/dev/null 2>&1; sleep 2; kill -0 $P 2>/dev/null && kill -KILL $P
for h in /sys/fs/cgroup/*/; do for d in init.scope system.slice; do [ -d $h$d ] && find $h$d -depth -type d -exec rmdir {} \; 2>/dev/null; done; done
rm -rf $W/ov; echo; echo "logs: $W"
