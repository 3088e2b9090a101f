#!/usr/bin/env bash
# Starts a single-node Slurm (munge, slurmctld, slurmd) on this machine for the submit integration test.
# Debian 12, run as root; no systemd needed. Idempotent: a second run with the cluster up does nothing.
# Two GPUs are declared in gres.conf without NVIDIA devices, so GPU requests schedule on a machine without any.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "start-slurm: must run as root (it installs packages and starts daemons)" >&2
  exit 1
fi

conf_dir=/etc/slurm
spool=/var/spool/slurm-aitk
log_dir=/var/log/slurm
run_dir=/run/slurm-aitk
host=$(hostname -s)

missing=()
for program in munged slurmctld slurmd sinfo sbatch; do
  command -v "$program" >/dev/null 2>&1 || missing+=("$program")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

diagnose() {
  echo "start-slurm: $1" >&2
  for f in "$log_dir/slurmctld.log" "$log_dir/slurmd.log" /var/log/munge/munged.log; do
    if [ -f "$f" ]; then
      echo "---- last lines of $f" >&2
      tail -n 15 "$f" >&2
    fi
  done
  sinfo -R 2>&1 | sed 's/^/sinfo -R: /' >&2 || true
  exit 1
}

alive() {
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

# The hostname must resolve, or slurmctld cannot reach its own slurmd.
if ! getent hosts "$host" >/dev/null; then
  echo "127.0.0.1 $host" >>/etc/hosts
fi

# munge: the key comes with the Debian package; create one if an image dropped it.
install -d -o munge -g munge -m 0755 /run/munge
install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  chown munge:munge /etc/munge/munge.key
  chmod 0400 /etc/munge/munge.key
fi
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged || diagnose "munged did not start"
  for _ in $(seq 1 50); do
    munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break
    sleep 0.1
  done
  munge -n | unmunge >/dev/null 2>&1 || diagnose "munge does not answer: credentials cannot be created or decoded"
fi

# The node line comes from slurmd itself (real CPU layout and memory), with two declared GPUs added.
node_line=$(slurmd -C | head -n 1)
case "$node_line" in
  NodeName=*) ;;
  *) diagnose "slurmd -C did not describe this node: $node_line" ;;
esac

install -d -m 0755 "$conf_dir" "$spool" "$spool/ctld" "$spool/d" "$spool/gpu" "$log_dir" "$run_dir"
# slurmd 22.05 drops file-less GPUs ("Removing file-less GPU"), so each declared GPU gets a placeholder file;
# with TaskPlugin=task/none nothing is bound to it, and Slurm still sets CUDA_VISIBLE_DEVICES per job.
touch "$spool/gpu/nvidia0" "$spool/gpu/nvidia1"
new_conf=$(mktemp)
cat >"$new_conf" <<CONF
# Written by src/test/slurm/start-slurm.sh: a one-node test cluster.
ClusterName=aitk-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
GresTypes=gpu
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$log_dir/jobcomp.log
StateSaveLocation=$spool/ctld
SlurmdSpoolDir=$spool/d
SlurmctldPidFile=$run_dir/slurmctld.pid
SlurmdPidFile=$run_dir/slurmd.pid
SlurmctldLogFile=$log_dir/slurmctld.log
SlurmdLogFile=$log_dir/slurmd.log
SlurmctldTimeout=30
SlurmdTimeout=60
InactiveLimit=0
MinJobAge=300
KillWait=10
MaxArraySize=10001
$node_line Gres=gpu:2 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
new_gres=$(mktemp)
cat >"$new_gres" <<GRES
# Declared GPUs backed by placeholder files (no /dev/nvidia*): they schedule, nothing is bound.
AutoDetect=off
NodeName=$host Name=gpu File=$spool/gpu/nvidia[0-1]
GRES

changed=0
cmp -s "$new_conf" "$conf_dir/slurm.conf" || changed=1
cmp -s "$new_gres" "$conf_dir/gres.conf" || changed=1
if [ "$changed" -eq 1 ]; then
  install -m 0644 "$new_conf" "$conf_dir/slurm.conf"
  install -m 0644 "$new_gres" "$conf_dir/gres.conf"
fi
rm -f "$new_conf" "$new_gres"

if [ "$changed" -eq 1 ]; then
  for pidfile in "$run_dir/slurmd.pid" "$run_dir/slurmctld.pid"; do
    if alive "$pidfile"; then
      pid=$(cat "$pidfile")
      kill "$pid"
      for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
    fi
  done
fi

if ! alive "$run_dir/slurmctld.pid"; then
  slurmctld || diagnose "slurmctld did not start"
fi
if ! alive "$run_dir/slurmd.pid"; then
  slurmd || diagnose "slurmd did not start"
fi

state=""
for _ in $(seq 1 120); do
  state=$(sinfo -h -N -n "$host" -o '%t' 2>/dev/null | head -n 1 || true)
  case "$state" in
    idle|mix|alloc) break ;;
    down*|drain*|drng*)
      scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 || true ;;
  esac
  sleep 0.5
done
case "$state" in
  idle|mix|alloc) ;;
  "") diagnose "slurmctld does not answer sinfo after 60 s" ;;
  *) diagnose "node $host is '$state' instead of idle after 60 s" ;;
esac

echo "start-slurm: node $host is $state (partition debug, gpu:2 declared); config in $conf_dir/slurm.conf"
