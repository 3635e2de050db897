"""Shared pieces of the durability scripts (crash_loop.py, disk_full.py).

- ServerProc: starts a throw-away Apache ZooKeeper 3.8 or swiftzk through
  scripts/lib/servers.sh (start_apache_cfg / start_swiftzk_cfg), SIGKILLs
  or stops it, tells whether it is still alive.  The calling process makes
  itself a child subreaper (become_subreaper), so a server started by the
  short-lived `bash` that runs servers.sh is re-parented to us and can be
  reaped (PID 1 here does not reap zombies).
- Journal: an append-only JSON-lines file; a line is written and flushed
  before the event it records counts for anything.
- Outcome classification of kazoo calls: a definite error reply (the server
  answered "no") versus an unknown outcome (connection lost, timeout: the
  write may or may not have happened).
- new_client: a kazoo client with bounded connection retries, so that
  stopping it after its server was killed does not hang.

Nothing here calls sys.exit; callers decide.
"""

import ctypes
import json
import logging
import os
import random
import signal
import subprocess
import threading
import time

from kazoo.client import KazooClient
from kazoo.handlers.threading import KazooTimeoutError
from kazoo.retry import KazooRetry
import kazoo.exceptions as kex

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SERVERS_SH = os.path.join(REPO, "scripts", "lib", "servers.sh")

PR_SET_CHILD_SUBREAPER = 36


def log(prefix, msg):
    print("[%s %s] %s" % (prefix, time.strftime("%H:%M:%S"), msg), flush=True)


def become_subreaper():
    """Orphaned descendants (the servers) get re-parented to us."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except Exception:
        return False


def pid_alive(pid):
    """True while pid runs; a zombie counts as dead (like servers.sh)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
    except OSError:
        return False
    # state is the field after the ")" closing the command name
    state = stat.rsplit(")", 1)[1].split()[0]
    return state not in ("Z", "X")


def reap(pid):
    """Collects the exit status if pid is our child: returns the status
    (as os.waitstatus_to_exitcode: negative = killed by that signal), or
    None if it still runs or is not our child."""
    try:
        got, status = os.waitpid(pid, os.WNOHANG)
    except (ChildProcessError, OSError):
        return None
    if got == 0:
        return None
    return os.waitstatus_to_exitcode(status)


STOP_SIGNAL = []     # signals received; see install_signal_exit / check_stop


def describe_exit(code):
    """'exit status 1', 'killed by SIGTERM', 'status unknown' for poll_exit()."""
    if code is None:
        return "status unknown"
    if code < 0:
        try:
            return "killed by %s" % signal.Signals(-code).name
        except ValueError:
            return "killed by signal %d" % -code
    return "exit status %d" % code


def install_signal_exit():
    """SIGTERM / SIGHUP / SIGINT raise SystemExit, so `finally` blocks clean
    up.  The signal is also remembered: check_stop() raises again, in case
    the first SystemExit was swallowed (e.g. raised inside a finalizer)."""
    def handler(signum, frame):
        STOP_SIGNAL.append(signum)
        raise SystemExit(128 + signum)
    for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(s, handler)


def check_stop():
    if STOP_SIGNAL:
        raise SystemExit(128 + STOP_SIGNAL[0])


class ServerError(Exception):
    pass


class ServerProc:
    """One server directory (DIR/zoo.cfg, DIR/data, DIR/server.log,
    DIR/server.pid, see servers.sh), started on a fresh port each time."""

    def __init__(self, kind, directory, extra_cfg, start_timeout=30, env=None):
        assert kind in ("apache", "swiftzk")
        self.kind = kind
        self.dir = directory
        self.extra_cfg = list(extra_cfg)
        self.start_timeout = start_timeout
        self.env = dict(os.environ if env is None else env)
        self.env["SERVER_START_TIMEOUT"] = str(start_timeout)
        self.port = None
        self.pid = None
        self.exit_status = None
        self.starts = 0
        self.pgid = None        # process group of the last start (bash + server)
        self.aborted = False

    @property
    def log_path(self):
        return os.path.join(self.dir, "server.log")

    @property
    def data_dir(self):
        return os.path.join(self.dir, "data")

    def start(self):
        """Starts the server and waits (bounded) for imok.  Returns
        (ok, seconds, message).  On failure the message holds servers.sh's
        explanation with the tail of the server log.  A start that failed
        only because its port was taken meanwhile ("Address already in
        use": free_port is racy) is retried on another port, twice at most."""
        t0 = time.monotonic()
        for attempt in range(3):
            ok, took, msg = self._start_once()
            if ok or not self._bind_failed():
                break
            msg = "port %s was taken (Address already in use); retrying on another port\n%s" % (self.port, msg)
        return ok, time.monotonic() - t0, msg

    def _bind_failed(self):
        """True if the last launch's log says its port was in use."""
        try:
            with open(self.log_path, errors="replace") as f:
                text = f.read()
        except OSError:
            return False
        last = text.rsplit("=== ", 1)[-1]
        return "Address already in use" in last

    def _start_once(self):
        # Ports below the kernel's ephemeral range, so that no client
        # connection's local port can collide with the one we pick.
        try:
            with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
                low = int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            low = 32768
        base = random.randint(15000, max(15001, low - 400))
        script = ('. "$1" || exit 3; shift; port=$(free_port "$1") || exit 3; shift; '
                  'echo "PORT=$port"; start_%s_cfg "$port" "$@"' % self.kind)
        cmd = ["bash", "-c", script, "servers", SERVERS_SH, str(base), self.dir] + self.extra_cfg
        t0 = time.monotonic()
        if self.aborted:
            raise ServerError("aborted")
        # Its own process group: if we are interrupted (SIGTERM, timeout)
        # while it runs, the group -- bash, its subshells and the server it
        # launched -- is killed at once, so no server can appear later.
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=self.env,
                             start_new_session=True)
        self.pgid = p.pid        # while the start runs (see abort)
        try:
            if self.aborted:
                raise ServerError("aborted")
            out, err = p.communicate(timeout=self.start_timeout + 30)
            if self.aborted:
                raise ServerError("aborted")
        except BaseException as e:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except OSError:
                pass
            p.wait()
            self._adopt_pid()
            if self.pid is not None:
                self.kill9()
            if isinstance(e, subprocess.TimeoutExpired):
                return False, time.monotonic() - t0, "servers.sh start did not return in %ds" % (self.start_timeout + 30)
            raise
        finally:
            self.pgid = None
        took = time.monotonic() - t0
        self.starts += 1
        for line in out.splitlines():
            if line.startswith("PORT="):
                self.port = int(line[5:])
        self._adopt_pid()
        if self.aborted:         # abort() ran meanwhile, maybe before the pid was known
            self.kill9()
            raise ServerError("aborted")
        if p.returncode != 0:
            msg = err.strip()
            if self.pid is not None and not pid_alive(self.pid):
                code = self.poll_exit()
                msg = "the server process exited (%s)\n%s" % (describe_exit(code), msg)
            return False, took, msg
        if self.pid is None or not pid_alive(self.pid):
            return False, took, "server answered imok but its pid is gone\n" + err.strip()
        return True, took, err.strip()

    def _adopt_pid(self):
        self.exit_status = None
        try:
            with open(os.path.join(self.dir, "server.pid")) as f:
                self.pid = int(f.read().strip())
        except (OSError, ValueError):
            self.pid = None

    @property
    def hosts(self):
        return "127.0.0.1:%d" % self.port

    def alive(self):
        return self.pid is not None and pid_alive(self.pid)

    def poll_exit(self):
        """The server's exit code once it has exited and been reaped by us
        (negative: killed by that signal); None while it runs or if unknown."""
        if self.pid is not None and self.exit_status is None:
            # A process whose main thread is a zombie may still have other
            # threads exiting; waitpid reports it only once all are gone.
            deadline = time.monotonic() + (2.0 if not pid_alive(self.pid) else 0.0)
            while True:
                st = reap(self.pid)
                if st is not None:
                    self.exit_status = st
                    break
                if time.monotonic() >= deadline:
                    break
                time.sleep(0.02)
        return self.exit_status

    def _wait_gone(self, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.poll_exit()
            if not pid_alive(self.pid):
                return True
            time.sleep(0.02)
        self.poll_exit()
        return not pid_alive(self.pid)

    def _forget(self):
        pid_file = os.path.join(self.dir, "server.pid")
        if self.pid:
            self.poll_exit()
            try:
                with open(pid_file) as f:
                    if int(f.read().strip()) == self.pid:
                        os.unlink(pid_file)
            except (OSError, ValueError):
                pass
        self.pid = None

    def abort(self):
        """Cleanup from any thread: no more starts, and SIGKILL to a start in
        progress and to the server (its whole process group)."""
        self.aborted = True
        if self.pgid is not None:
            try:
                os.killpg(self.pgid, signal.SIGKILL)
            except OSError:
                pass
        self._adopt_pid() if self.pid is None else None
        return self.kill9()

    def kill9(self):
        """SIGKILL now; waits (up to 10 s) until the process is gone."""
        if self.pid is None:
            return True
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        gone = self._wait_gone(10)
        if gone:
            self._forget()
        return gone

    def stop(self):
        """SIGTERM, up to 10 s, then SIGKILL."""
        if self.pid is None:
            return True
        if pid_alive(self.pid):
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            if not self._wait_gone(10):
                return self.kill9()
        self._forget()
        return True

    def log_tail(self, n=30):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError as e:
            return "(no server log: %s)" % e

    def four_letter(self, word, timeout=5):
        import socket
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
                s.sendall(word.encode())
                s.shutdown(socket.SHUT_WR)
                out = b""
                while True:
                    b = s.recv(65536)
                    if not b:
                        break
                    out += b
                return out.decode(errors="replace")
        except OSError:
            return None


class Journal:
    """JSON lines, one per event, each flushed before write() returns."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.f = open(path, "a", buffering=1)
        self.next_id = 0

    def new_id(self):
        with self.lock:
            self.next_id += 1
            return self.next_id

    def write(self, **event):
        line = json.dumps(event, separators=(",", ":"), sort_keys=True)
        with self.lock:
            self.f.write(line + "\n")
            self.f.flush()

    def close(self):
        with self.lock:
            self.f.close()


# Outcomes of a write call.
ACK = "ack"          # success reply
ERR = "err"          # a definite error reply: not applied
UNKNOWN = "unknown"  # no reply (connection lost, timeout): may or may not apply

UNKNOWN_EXCEPTIONS = (
    kex.ConnectionLoss, kex.OperationTimeoutError, kex.SessionExpiredError,
    kex.ConnectionClosedError, kex.SessionMovedError, kex.ZookeeperStoppedError,
    KazooTimeoutError, kex.CancelledError,
)


def classify(exc):
    """(outcome, name) for an exception raised by a write call."""
    name = type(exc).__name__
    if isinstance(exc, UNKNOWN_EXCEPTIONS):
        return UNKNOWN, name
    if isinstance(exc, kex.ZookeeperError):
        code = getattr(exc, "code", None)
        return ERR, "%s(%s)" % (name, code) if code is not None else name
    return UNKNOWN, name


def multi_error(results):
    """The first real error in a failed multi's results (not RolledBack)."""
    errs = [r for r in results if isinstance(r, Exception)]
    if not errs:
        return None
    for e in errs:
        if not isinstance(e, kex.RolledBackError):
            return e
    return errs[0]


def quiet_kazoo_logging(path):
    lg = logging.getLogger("kazoo")
    lg.setLevel(logging.INFO)
    lg.propagate = False
    h = logging.FileHandler(path)
    h.setFormatter(logging.Formatter("%(asctime)s %(threadName)s %(name)s %(levelname)s %(message)s"))
    lg.addHandler(h)


def new_client(hosts, session_timeout_s, connect_tries=3):
    """A kazoo client whose reconnection gives up after a few tries."""
    retry = KazooRetry(max_tries=connect_tries, delay=0.1, backoff=2, max_delay=1.0,
                       ignore_expire=False)
    return KazooClient(hosts=hosts, timeout=session_timeout_s,
                       connection_retry=retry, command_retry=None)


class BoundExceeded(Exception):
    pass


def bounded(fn, seconds, name="bounded"):
    """Runs fn() in a daemon thread and waits at most `seconds` for it.
    Returns its result or raises its exception; raises BoundExceeded if it
    is still running then (the thread is left behind, harmless: daemon).

    Used to keep kazoo calls off the main thread: kazoo's request path
    swallows any exception (a bare except around a socket send), SystemExit
    from a signal handler included, and that send blocks for good once its
    connection thread has given up -- so a main thread inside kazoo can
    neither be bounded nor interrupted."""
    box = {}

    def run():
        try:
            box["result"] = fn()
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            box["error"] = e

    t = threading.Thread(target=run, daemon=True, name=name)
    t.start()
    deadline = time.monotonic() + seconds
    while t.is_alive() and time.monotonic() < deadline:
        t.join(0.2)
    if t.is_alive():
        raise BoundExceeded("%s did not finish within %.0f s" % (name, seconds))
    if "error" in box:
        raise box["error"]
    return box.get("result")


def require_connected(client):
    """Raises unless the client is connected: queueing requests on a client
    whose connection thread has given up would block (see bounded)."""
    if not client.connected:
        raise kex.ConnectionClosedError("client not connected")


def stop_client(client, seconds=10):
    """client.stop() + close() in a helper thread, bounded.  True if done."""
    def run():
        try:
            client.stop()
        except Exception:
            pass
        try:
            client.close()
        except Exception:
            pass
    t = threading.Thread(target=run, daemon=True, name="stop-client")
    t.start()
    t.join(seconds)
    return not t.is_alive()


def dir_usage(path):
    """(bytes, {'snapshot': n, 'log': n, 'other': n}) under path/version-2."""
    total = 0
    counts = {"snapshot": 0, "log": 0, "other": 0}
    v2 = os.path.join(path, "version-2")
    for root, _, files in os.walk(path):
        for fn in files:
            try:
                total += os.path.getsize(os.path.join(root, fn))
            except OSError:
                pass
            if root == v2:
                if fn.startswith("snapshot."):
                    counts["snapshot"] += 1
                elif fn.startswith("log."):
                    counts["log"] += 1
                else:
                    counts["other"] += 1
    return total, counts
