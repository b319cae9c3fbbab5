"""Runs the peers benchmark's clients against fresh wx-sim processes and prints the table
(called by benches/peers/run.sh, which builds and installs everything first).

For each client, K times: start `wx-sim --auto-confirm` on a free loopback port, start the
client's driver, wait for its `ready` line, let it idle in its sync loop for a second, take t0,
call `POST /__sim/push_many?count=M` (M texts "load 0".."load M-1" from one friend), and wait
for the driver's `done <M> <unix time>` line: t1 is that time, msg/s = M / (t1 - t0). Meanwhile
the client's VmRSS is sampled from /proc every 20 ms; at the end its VmHWM (peak resident set)
is read, and the simulator's and the client's CPU seconds during the load (utime + stime of
/proc/<pid>/stat, all threads). Every wait is bounded; clients and simulators are stopped with
SIGTERM, then SIGKILL. Standard library only.

    python3 measure.py --sim WX_SIM_BIN --out-raw FILE --out-md FILE [--messages M] [--runs K]
                       [--timeout S] CLIENT=COMMAND ...
    python3 measure.py --from-raw --out-raw FILE --out-md FILE    (the table again, no runs)
COMMAND is a shell-free command line (split on spaces) in which `{base}`, `{count}`, `{hold}`,
`{timeout}` are replaced; the first client is the reference for the ratios.
"""
import argparse
import json
import os
import queue
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

TICK = os.sysconf('SC_CLK_TCK')
SIM_ARGS = ['--port', '0', '--contacts', '200', '--groups', '3', '--members', '6',
            '--page', '50', '--auto-confirm', '200']


def sim_args(args):
    return SIM_ARGS + (['--rate-ms', str(args.steady_ms)] if args.steady_ms else [])


def status_kib(pid, field):
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                if line.startswith(field + ':'):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_ns(pid):
    """CPU time of all live threads in ns (/proc/<pid>/task/*/schedstat): finer than ticks."""
    total = 0
    try:
        tasks = os.listdir('/proc/%d/task' % pid)
    except OSError:
        return None
    for t in tasks:
        try:
            with open('/proc/%d/task/%s/schedstat' % (pid, t)) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def cpu_s(pid):
    """utime + stime of the whole process (dead threads included), in 10 ms ticks."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            fields = f.read().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
    except OSError:
        return None


def stop(proc, group):
    """SIGTERM, 3 s of grace, then SIGKILL; never raises."""
    if proc.poll() is None:
        try:
            if group:
                os.killpg(proc.pid, signal.SIGTERM)
            else:
                proc.terminate()
        except OSError:
            pass
        try:
            proc.wait(3)
        except subprocess.TimeoutExpired:
            try:
                if group:
                    os.killpg(proc.pid, signal.SIGKILL)
                else:
                    proc.kill()
            except OSError:
                pass
            try:
                proc.wait(3)
            except subprocess.TimeoutExpired:
                pass


def lines_of(proc):
    q = queue.Queue()

    def pump():
        for line in proc.stdout:
            q.put(line.rstrip('\n'))
        q.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return q


def wait_line(q, pattern, deadline, log):
    while True:
        left = deadline - time.time()
        if left <= 0:
            return None
        try:
            line = q.get(timeout=min(left, 1))
        except queue.Empty:
            continue
        if line is None:
            return None
        log.append(line)
        m = re.match(pattern, line)
        if m:
            return m


def http(base, method, path, body=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + '/__sim/' + path, data=data, method=method)
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.read().decode()


def one_run(name, command, args, workdir):
    res = {'client': name, 'messages': args.messages, 'ok': False}
    sim = subprocess.Popen([args.sim] + sim_args(args), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    client = None
    log = []
    try:
        m = wait_line(lines_of(sim), r'^wx-sim listening on (\S+)', time.time() + 20, log)
        if not m:
            res['error'] = 'wx-sim did not start: %s' % log[-3:]
            return res
        base = m.group(1).rstrip('/')
        prefix = 'steady ' if args.steady_ms else 'load '
        cmd = [part.format(base=base, count=args.messages, hold=60, timeout=args.timeout,
                           prefix=prefix)
               for part in command.split()]
        client = subprocess.Popen(cmd, cwd=workdir, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, start_new_session=True)
        out = lines_of(client)
        started = time.time()
        ready = wait_line(out, r'^ready .* seen (\d+)$', started + 120, log)
        if not ready:
            res['error'] = 'no ready line: %s' % log[-5:]
            return res
        res['login_s'] = round(time.time() - started, 3)
        if not args.steady_ms:
            time.sleep(1)  # idle in the sync loop (a synccheck held by the simulator)
        # Steady load: the texts seen from here on are the ones measured.
        messages = args.messages - int(ready.group(1)) if args.steady_ms else args.messages
        res['rss_idle_kib'] = status_kib(client.pid, 'VmRSS')
        res['anon_idle_kib'] = status_kib(client.pid, 'RssAnon')
        before = json.loads(http(base, 'GET', 'state'))['served_by']
        sim_cpu0, cli_cpu0 = cpu_s(sim.pid), cpu_s(client.pid)
        sim_ns0, cli_ns0 = cpu_ns(sim.pid), cpu_ns(client.pid)
        peak = [0]
        sampling = threading.Event()

        def sample():
            while not sampling.wait(0.02):
                v = status_kib(client.pid, 'VmRSS')
                if v:
                    peak[0] = max(peak[0], v)

        threading.Thread(target=sample, daemon=True).start()
        t0 = time.time()
        if not args.steady_ms:
            reply = http(base, 'POST', 'push_many?count=%d' % args.messages,
                         {'from': '0', 'body': {'kind': 'text', 'text': 'load'}})
            res['push_call_s'] = round(time.time() - t0, 3)
            if json.loads(reply).get('pushed') != args.messages:
                res['error'] = 'push_many: %s' % reply
                return res
        m = wait_line(out, r'^(done|timeout|ended) (\d+)(?: (\S+))?', t0 + args.timeout + 10, log)
        t_seen = time.time()
        sampling.set()
        sim_cpu1, cli_cpu1 = cpu_s(sim.pid), cpu_s(client.pid)
        sim_ns1, cli_ns1 = cpu_ns(sim.pid), cpu_ns(client.pid)
        res['rss_peak_sampled_kib'] = peak[0]
        res['hwm_kib'] = status_kib(client.pid, 'VmHWM')
        res['rss_end_kib'] = status_kib(client.pid, 'VmRSS')
        # The private part (heap, stacks); the rest of RSS is mapped files: code, libraries.
        res['anon_end_kib'] = status_kib(client.pid, 'RssAnon')
        if not m or m.group(1) != 'done':
            res['error'] = 'no done line after %.0f s: %s' % (t_seen - t0, log[-3:])
            res['received'] = int(m.group(2)) if m else None
            return res
        t1 = float(m.group(3))
        res['measured'] = messages
        res['seconds'] = round(t1 - t0, 4)
        res['msg_per_s'] = round(messages / (t1 - t0), 1)
        res['client_cpu_pct'] = round((cli_ns1 - cli_ns0) / 1e7 / (t1 - t0), 1)
        res['sim_cpu_s'] = round(sim_cpu1 - sim_cpu0, 2)
        res['client_cpu_s'] = round(cli_cpu1 - cli_cpu0, 2)
        # The same from schedstat, in ms (threads that ended during the load are missed).
        res['sim_cpu_ms'] = round((sim_ns1 - sim_ns0) / 1e6, 1)
        res['client_cpu_ms'] = round((cli_ns1 - cli_ns0) / 1e6, 1)
        res['client_us_per_msg'] = round((cli_ns1 - cli_ns0) / 1e3 / messages, 2)
        after = json.loads(http(base, 'GET', 'state'))['served_by']
        res['requests'] = {k: after.get(k, 0) - before.get(k, 0) for k in sorted(after)
                           if after.get(k, 0) != before.get(k, 0)}
        res['ok'] = True
        return res
    finally:
        if client is not None:
            stop(client, True)
        stop(sim, False)
        res['log_tail'] = log[-4:]


def mib(kib):
    return None if kib is None else kib / 1024


def fmt(v, spec):
    return '-' if v is None else format(v, spec)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sim', help='the wx-sim binary (required unless --from-raw)')
    ap.add_argument('--messages', type=int, default=5000)
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--timeout', type=int, default=300)
    ap.add_argument('--steady-ms', type=int, default=0,
                    help="instead of a burst: the simulator's own --rate-ms load, COUNT texts")
    ap.add_argument('--append', action='store_true', help='append to --out-raw and --out-md')
    ap.add_argument('--workdir', default='.')
    ap.add_argument('--out-raw', required=True)
    ap.add_argument('--out-md', required=True)
    ap.add_argument('--from-raw', action='store_true',
                    help='run nothing: rebuild the table from the runs in --out-raw')
    ap.add_argument('clients', nargs='*')
    args = ap.parse_args()
    stamp = time.strftime('%Y-%m-%d %H:%M', time.gmtime())
    if args.from_raw:
        # Sections: a burst run, then perhaps an appended steady one; each gets its table.
        sections = {}
        with open(args.out_raw) as f:
            for line in f:
                if line.startswith('{'):
                    r = json.loads(line)
                    key = r.get('steady_ms', 0)
                    sec = sections.setdefault(key, {'stamp': stamp, 'results': {}})
                    sec['results'].setdefault(r['client'], []).append(r)
                elif line.startswith('# peers benchmark, '):
                    stamp = line.split(', ')[1].split(' UTC')[0]
        md = []
        for key, sec in sections.items():
            names = list(sec['results'])
            first = sec['results'][names[0]][0]
            runs = max(len(v) for v in sec['results'].values())
            table, text = render(sec['results'], names, first['messages'], runs, sec['stamp'],
                                 key)
            print(table)
            md.append(text)
        with open(args.out_md, 'w') as f:
            f.write('\n'.join(md))
        return 0
    if not args.sim or not args.clients:
        ap.error('--sim and at least one CLIENT=COMMAND are needed')
    clients = [c.split('=', 1) for c in args.clients]
    raw = open(args.out_raw, 'a' if args.append else 'w')

    def say(line):
        print(line, flush=True)
        raw.write(line + '\n')
        raw.flush()

    uptime = open('/proc/loadavg').read().split()[:3]
    say('# peers benchmark, %s UTC; %s; %d messages, %d runs per client; nproc %d; '
        'load average %s' % (stamp, mode(args.steady_ms), args.messages, args.runs,
                             os.cpu_count(), ' '.join(uptime)))
    say('# wx-sim %s' % ' '.join(sim_args(args)))
    results = {name: [] for name, _ in clients}
    # Interleaved (client A, B, C, D, then again) so a burst of load from other engineers on
    # the shared machine spreads over all clients instead of hitting one.
    for k in range(args.runs):
        for name, command in clients:
            r = one_run(name, command, args, args.workdir)
            r['run'] = k + 1
            r['steady_ms'] = args.steady_ms
            results[name].append(r)
            say(json.dumps(r, ensure_ascii=False))
    uptime = open('/proc/loadavg').read().split()[:3]
    say('# load average after: %s' % ' '.join(uptime))
    table, text = render(results, [name for name, _ in clients], args.messages, args.runs,
                         stamp, args.steady_ms)
    say(table)
    raw.close()
    with open(args.out_md, 'a' if args.append else 'w') as f:
        if args.append:
            f.write('\n')
        f.write(text)
    return 0 if all(any(r['ok'] for r in v) for v in results.values()) else 1


def mode(steady_ms):
    if steady_ms:
        return "steady load (the simulator's --rate-ms %d: one text every %d ms)" % (
            steady_ms, steady_ms)
    return 'burst (push_many, all texts at once)'


def render(results, names, messages, runs, stamp, steady_ms):
    """The markdown table of one section, and the section's text for the .md file."""
    rows = []
    for name in names:
        ok = [r for r in results[name] if r['ok']]
        if not ok:
            rows.append({'client': name, 'ok': 0, 'runs': len(results[name])})
            continue
        def med(key):
            vals = [r[key] for r in ok if r.get(key) is not None]
            return statistics.median(vals) if vals else None

        rows.append({
            'client': name, 'ok': len(ok), 'runs': len(results[name]),
            'measured': statistics.median(r.get('measured', messages) for r in ok),
            'seconds': med('seconds'), 'rate': med('msg_per_s'),
            'rates': [r['msg_per_s'] for r in ok],
            'hwm': mib(med('hwm_kib')), 'idle': mib(med('rss_idle_kib')),
            'anon': mib(med('anon_end_kib')),  # not in runs recorded before it was added
            'sim_cpu': med('sim_cpu_ms') / 1000, 'client_cpu': med('client_cpu_ms') / 1000,
            'cpu_pct': statistics.median(r['client_cpu_ms'] / 10 / r['seconds'] for r in ok),
            'us_per_msg': med('client_us_per_msg'),
            'sim_share': statistics.median(r['sim_cpu_ms'] / 10 / r['seconds'] for r in ok),
            'syncs': med_req(ok, 'webwxsync'),
        })
    ref = rows[0] if rows and rows[0].get('ok') else None
    r = ref['client'] if ref else 'ref'
    head = ('| client | messages | runs ok | seconds | msg/s (median) | msg/s per run | '
            'RSS peak MiB (VmHWM) | RSS idle MiB | RssAnon MiB at the end | %s msg/s ÷ this | '
            'this RSS peak ÷ %s\'s | this RssAnon ÷ %s\'s | '
            'client CPU s | client CPU %% of a core | client CPU µs/msg | '
            'this CPU/msg ÷ %s\'s | sim CPU s | sim CPU %% of wall | webwxsync calls |'
            % (r, r, r, r))
    lines = [head, '| ' + ' | '.join(['---'] + ['---:'] * 18) + ' |']
    for row in rows:
        if not row.get('ok'):
            lines.append('| %s | %d | 0/%d | failed |%s'
                         % (row['client'], messages, row['runs'], ' |' * 15))
            continue
        speed = ref['rate'] / row['rate'] if ref else None
        mem = row['hwm'] / ref['hwm'] if ref else None
        anon = row['anon'] / ref['anon'] if ref and ref['anon'] and row['anon'] else None
        cpu = row['us_per_msg'] / ref['us_per_msg'] if ref else None
        lines.append('| %s | %.0f | %d/%d | %.3f | %.0f | %s | %.1f | %.1f | %s | %sx | %sx | %sx '
                     '| %.3f '
                     '| %.0f%% | %.1f | %sx | %.3f | %.0f%% | %s |' % (
                         row['client'], row['measured'], row['ok'], row['runs'],
                         row['seconds'], row['rate'],
                         ', '.join('%.0f' % x for x in row['rates']), row['hwm'], row['idle'],
                         fmt(row['anon'], '.1f'), fmt(speed, '.1f'), fmt(mem, '.1f'), fmt(anon, '.1f'),
                         row['client_cpu'],
                         row['cpu_pct'], row['us_per_msg'], fmt(cpu, '.1f'), row['sim_cpu'],
                         row['sim_share'], fmt(row['syncs'], '.0f')))
    table = '\n'.join(lines)
    common = ('RSS peak is the client process\'s VmHWM (the whole interpreter for Python and '
              'node); RSS idle is its VmRSS after login, before the load; RssAnon is the '
              'private part of RSS (heap, stacks) when the last text arrived, the rest being '
              'mapped files (code, shared libraries). CPU is the '
              'threads\' on-CPU time during the measured window '
              '(/proc/<pid>/task/*/schedstat), for the client and for the simulator. '
              'Median of %d runs per client, interleaved, one fresh wx-sim per run (`wx-sim %s`). '
              '2 shared cores: wall times are noisy.\n\n'
              % (runs, ' '.join(SIM_ARGS + (['--rate-ms', str(steady_ms)] if steady_ms else []))))
    if steady_ms:
        text = ('## Steady load: one text every %d ms (%s UTC)\n\n'
                'The simulator pushes the texts itself (`--rate-ms %d`); each client counts '
                '%d texts from its start. Measured from its `ready` line to the last one: '
                '"messages" is the texts received in that window, msg/s their rate (the '
                'simulator\'s pace when the client keeps up); the figure that compares '
                'clients is CPU per message. ' % (steady_ms, stamp, steady_ms, messages)
                + common)
    else:
        text = ('# Peers: one account, %d texts pushed at once (%s UTC)\n\n'
                'Generated by `benches/peers/run.sh`; raw output in `peers.txt`. '
                'msg/s = M / (t1 - t0): t0 just before `POST /__sim/push_many`, t1 the '
                'client\'s own clock when its handler saw the M-th text. "sim CPU %% of wall" '
                'near 100 means the simulator, not the client, bounds msg/s. '
                % (messages, stamp) + common)
    return table, text + table + '\n'


def med_req(ok, endpoint):
    vals = [r['requests'].get(endpoint, 0) for r in ok]
    return statistics.median(vals) if vals else None


def on_signal(signum, _frame):
    # SystemExit unwinds through one_run's `finally`: the simulator and client get stopped.
    raise SystemExit(128 + signum)


if __name__ == '__main__':
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    sys.exit(main())
