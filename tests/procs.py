"""What a test can see of other processes through /proc (Linux): children, sockets, file offsets.

Used to act at a known moment: kill a command while it is halfway through its input, kill the
gunicorn worker that is serving one particular connection.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

PROC = Path("/proc")


def _parent(stat: str) -> int:
    # /proc/PID/stat: "pid (comm) state ppid ..."; comm may itself contain spaces or ')'.
    return int(stat.rsplit(")", 1)[1].split()[1])


def children(pid: int) -> set[int]:
    found = set()
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if _parent((entry / "stat").read_text()) == pid:
                found.add(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue  # the process ended while we looked
    return found


def _fds(pid: int) -> dict[str, int]:
    """Where each open file descriptor of pid points ('socket:[inode]', a path) -> fd."""
    fd_dir = PROC / str(pid) / "fd"
    links: dict[str, int] = {}
    for fd in os.listdir(fd_dir):
        try:
            links[os.readlink(fd_dir / fd)] = int(fd)
        except OSError:
            continue
    return links


def _port(address: str) -> int:
    return int(address.rsplit(":", 1)[1], 16)


def _tcp_inode(local_port: int, remote_port: int) -> str | None:
    """The inode of the TCP socket on 127.0.0.1 with these ports (the server's side)."""
    for line in (PROC / "net" / "tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if _port(fields[1]) == local_port and _port(fields[2]) == remote_port:
            return fields[9]
    return None


def serving(pids: set[int], server_port: int, client_port: int) -> int | None:
    """Which of pids holds the server side of the connection from client_port (once a worker
    has accepted it), or None."""
    inode = _tcp_inode(server_port, client_port)
    if inode is None:
        return None
    for pid in pids:
        try:
            if f"socket:[{inode}]" in _fds(pid):
                return pid
        except OSError:
            continue
    return None


def read_position(pid: int, path: Path) -> int | None:
    """How far process pid has read the file at path (its offset), or None if not open."""
    try:
        fd = _fds(pid).get(str(path.resolve()))
        if fd is None:
            return None
        info = (PROC / str(pid) / "fdinfo" / str(fd)).read_text()
    except OSError:
        return None
    return int(info.split("pos:", 1)[1].split()[0])


def poll(condition: Callable[[], bool], timeout: float, what: str, step: float = 0.002) -> None:
    """Until condition() holds; AssertionError naming `what` after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting until {what}")
        time.sleep(step)


def kill_when(
    proc: subprocess.Popen[bytes], condition: Callable[[], bool], what: str, timeout: float = 30
) -> None:
    """SIGKILL proc as soon as condition() holds; fail if proc ended before that."""

    def ready() -> bool:
        assert proc.poll() is None, f"the process ended before {what}: {proc.returncode}"
        return condition()

    try:
        poll(ready, timeout, what)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def spawn_cli(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    """`samenloop ARGS` as its own process (to be killed), output discarded."""
    return subprocess.Popen(
        [sys.executable, "-c", "from adapters.cli import main; main()", *args],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def has_open(pid: int, path: Path) -> bool:
    """True when process pid has the file at path open."""
    try:
        return str(path.resolve()) in _fds(pid)
    except OSError:
        return False
