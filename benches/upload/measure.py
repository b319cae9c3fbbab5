"""Runs the upload benchmark's clients against fresh wx-sim processes and writes the table
(called by benches/upload/run.sh, which builds and installs everything first).

For each file and each client, K times: write nothing (the files are made by run.sh), start
`wx-sim --auto-confirm` on a free loopback port (a fresh one every run: webwxcheckupload
answers the MediaId of a file the account already uploaded), start the client's driver, which
logs in, idles, resets its peak RSS, sends the file and prints one JSON line (see
upload_client.rs / itchat_upload.py). Meanwhile its VmRSS is also sampled from
/proc/<pid>/status every 20 ms (a cross-check of the driver's own VmHWM). Then the upload is
checked through the control API: the send with the driver's MsgID in /__sim/sent, its
`<attachid>` (or MediaId) in /__sim/uploaded, whose `len` and `md5_hex` must be the file's;
a failed send records the last /__sim/refusals entry. Standard library only.

    python3 measure.py --sim WX_SIM_BIN --out-raw FILE --out-md FILE [--runs K] [--timeout S]
                       --file PATH [--file PATH ...] CLIENT=COMMAND ...
    python3 measure.py --from-raw --out-raw FILE --out-md FILE    (the table again, no runs)

COMMAND is a command line split on spaces in which `{base}`, `{file}` and `{timeout}` are
replaced.
"""
import argparse
import hashlib
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

SIM_ARGS = ['--port', '0', '--contacts', '50', '--groups', '2', '--members', '4',
            '--auto-confirm', '200']


def status_kib(pid, field):
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                if line.startswith(field + ':'):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def stop(proc):
    """SIGTERM to the process group, 3 s of grace, then SIGKILL; never raises."""
    if proc.poll() is None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except OSError:
                pass
            try:
                proc.wait(3)
                return
            except subprocess.TimeoutExpired:
                pass


def read_line(proc, pattern, deadline):
    """The first stdout line of proc matching pattern before deadline (a reader thread)."""
    found, log = [], []

    def pump():
        for line in proc.stdout:
            line = line.rstrip('\n')
            log.append(line)
            m = re.match(pattern, line)
            if m:
                found.append(m)
                return

    t = threading.Thread(target=pump, daemon=True)
    t.start()
    t.join(max(0, deadline - time.time()))
    return (found[0] if found else None), log


def http(base, path):
    with urllib.request.urlopen(base + '/__sim/' + path, timeout=60) as r:
        return r.read().decode()


def md5_of(path):
    h = hashlib.md5()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()


def verify(base, res, size, md5):
    """Checks the upload through the control API; sets res['verified'] and res['sim_*']."""
    if not res.get('ok'):
        refusals = json.loads(http(base, 'refusals'))
        if refusals:
            res['sim_refusal'] = refusals[-1]
            res['sim_refusals'] = len(refusals)
        res['verified'] = False
        return
    sent = [s for s in json.loads(http(base, 'sent')) if s.get('msg_id') == res.get('msg_id')]
    if not sent:
        res['verified'] = False
        res['error'] = 'MsgID %s not in /__sim/sent' % res.get('msg_id')
        return
    m = re.search(r'<attachid>([^<]+)</attachid>', sent[0].get('content', ''))
    media_id = m.group(1) if m else sent[0].get('media_id', '')
    try:
        info = json.loads(http(base, 'uploaded?media_id=' + urllib.request.quote(media_id)))
    except OSError as e:
        res['verified'] = False
        res['error'] = 'uploaded: %s' % e
        return
    res['sim_len'], res['sim_md5'], res['sim_chunks'] = info['len'], info['md5_hex'], info['chunks']
    res['sim_signature'] = bool(info.get('signature'))
    res['verified'] = info['len'] == size and info['md5_hex'] == md5


def one_run(name, command, path, size, md5, args, workdir):
    res = {'client': name, 'file': os.path.basename(path), 'bytes': size, 'ok': False}
    sim = subprocess.Popen([args.sim] + SIM_ARGS, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, start_new_session=True)
    client = None
    try:
        m, log = read_line(sim, r'^wx-sim listening on (\S+)', time.time() + 20)
        if not m:
            res['error'] = 'wx-sim did not start: %s' % log[-3:]
            return res
        base = m.group(1).rstrip('/')
        cmd = [part.format(base=base, file=path, timeout=args.timeout)
               for part in command.split()]
        client = subprocess.Popen(cmd, cwd=workdir, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True, start_new_session=True)
        peak = [0]
        done = threading.Event()

        def sample():
            while not done.wait(0.02):
                v = status_kib(client.pid, 'VmRSS')
                if v:
                    peak[0] = max(peak[0], v)

        threading.Thread(target=sample, daemon=True).start()
        m, log = read_line(client, r'^(\{.*\})$', time.time() + args.timeout + 30)
        done.set()
        res['rss_max_sampled_kib'] = peak[0]
        if not m:
            res['error'] = 'no result line: %s' % log[-5:]
            return res
        res.update(json.loads(m.group(1)))
        res['bytes'] = size
        verify(base, res, size, md5)
        return res
    finally:
        if client is not None:
            stop(client)
        stop(sim)


def mib(kib):
    return '%.1f' % (kib / 1024)


def table(rows):
    """The markdown table: medians over the runs of each (file, client)."""
    groups = {}
    for r in rows:
        groups.setdefault((r['bytes'], r['client']), []).append(r)
    out = ['| file | client | runs ok / verified | idle RSS MiB | peak RSS during upload MiB | '
           'peak - idle MiB | wall s | MB/s | note |',
           '| --- | --- | --- | --- | --- | --- | --- | --- | --- |']
    for (size, client), rs in sorted(groups.items(), key=lambda kv: (-kv[0][0], kv[0][1])):
        ok = [r for r in rs if r.get('ok')]
        ver = [r for r in ok if r.get('verified')]
        use = ok or rs

        def med(key, rs=use):
            vals = [r[key] for r in rs if isinstance(r.get(key), (int, float))]
            return statistics.median(vals) if vals else None

        idle, peak, secs = med('idle_rss_kib'), med('peak_hwm_kib'), med('secs')
        delta = statistics.median([r['peak_hwm_kib'] - r['idle_rss_kib'] for r in use
                                   if 'peak_hwm_kib' in r and 'idle_rss_kib' in r] or [0])
        note = ''
        if not ok:
            ref = next((r.get('sim_refusal') for r in rs if r.get('sim_refusal')), None)
            err = next((r.get('error') for r in rs if r.get('error')), '')
            note = 'failed: %s' % err
            if ref:
                note += '; sim: %s' % json.dumps(ref.get('refusal', ref), separators=(',', ':'))
        rate = '%.1f' % (size / 1e6 / secs) if ok and secs else '-'
        out.append('| %.1f MiB | %s | %d of %d / %d | %s | %s | %s | %s | %s | %s |' % (
            size / 1048576, client, len(ok), len(rs), len(ver),
            mib(idle) if idle is not None else '-', mib(peak) if peak is not None else '-',
            mib(delta), '%.2f' % secs if secs is not None else '-', rate, note.replace('|', '/')))
    return '\n'.join(out) + '\n'


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--sim')
    p.add_argument('--runs', type=int, default=3)
    p.add_argument('--timeout', type=int, default=300)
    p.add_argument('--workdir', default='.')
    p.add_argument('--file', action='append', default=[])
    p.add_argument('--out-raw', required=True)
    p.add_argument('--out-md', required=True)
    p.add_argument('--from-raw', action='store_true')
    p.add_argument('clients', nargs='*')
    args = p.parse_args()
    if args.from_raw:
        with open(args.out_raw) as f:
            rows = [json.loads(line) for line in f if line.startswith('{')]
    else:
        rows = []
        header = {'started': time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime()),
                  'loadavg_before': open('/proc/loadavg').read().split()[:3],
                  'nproc': os.cpu_count(),
                  'commit': subprocess.run(['git', 'rev-parse', 'HEAD'], capture_output=True,
                                           text=True).stdout.strip()}
        with open(args.out_raw, 'w') as raw:
            raw.write('# %s\n' % json.dumps(header))
            for path in args.file:
                size, md5 = os.path.getsize(path), md5_of(path)
                for spec in args.clients:
                    name, command = spec.split('=', 1)
                    for k in range(args.runs):
                        res = one_run(name, command, path, size, md5, args, args.workdir)
                        res['run'] = k + 1
                        res['md5'] = md5
                        rows.append(res)
                        raw.write(json.dumps(res) + '\n')
                        raw.flush()
                        print(json.dumps(res), file=sys.stderr, flush=True)
            raw.write('# %s\n' % json.dumps({'ended': time.strftime('%Y-%m-%d %H:%M:%S UTC',
                                                                   time.gmtime()),
                                             'loadavg_after':
                                                 open('/proc/loadavg').read().split()[:3]}))
    md = table(rows)
    with open(args.out_md, 'w') as f:
        f.write(md)
    print(md)


if __name__ == '__main__':
    main()
