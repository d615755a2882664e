"""Reading an uploaded PDF in a process of its own, within budgets of time, memory and work it cannot exceed.

pypdf can spend minutes of CPU on a file of a few kilobytes (pages that share one compressed
stream of a million operators), and raises errors of many kinds on a damaged file. So an upload
is read by a child process that the kernel limits (RLIMIT_CPU, RLIMIT_AS), that pypdf's own
budgets limit (bytes inflated and operators parsed in each stream), and that is killed at a
wall-time deadline. The child reads the bytes it was forked with and sends back through a pipe,
as JSON, what it found; it uses no network and no database. Of an attached file it sends only the
fingerprint: the file may inflate to megabytes that the worker would then decode and hold. Its
signatures are checked there too (pyHanko parses the file anew, under the kernel's limits and the
deadline). Deciding what the text and the signatures found mean is verification's work.
"""

import enum
import io
import json
import logging
import os
import resource
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from pypdf import PdfReader, overwrite_configuration
from pypdf.errors import LimitReachedError

from drafting.domain.text import fingerprint
from drafting.rendering import signing

# From the upload's arrival to its verdict, every child included, so that a refusal comes within 2 s.
WALL_SECONDS = 1.5
# The kernel's limits on the child: its CPU time, should it outlive a parent killed before the
# deadline, and the memory it may take beyond what it was forked with.
CPU_SECONDS = 2
MEMORY_BYTES = 512 * 1024 * 1024
# pypdf's budgets for each stream: bytes inflated, and operands and operators parsed. A page of
# ours inflates to some kilobytes; even a page of 7-point text parses to 25,000 operands.
INFLATED_BYTES = 20 * 1024 * 1024
OPERATORS_PARSED = 100_000


class Failure(enum.Enum):
    damaged = "damaged"  # not a PDF that pypdf can read
    encrypted = "encrypted"  # ours never are, and reading one would mean decrypting it
    too_complex = "too complex"  # over a budget of time, memory or work


@dataclass(frozen=True)
class Reading:
    """What was read of an uploaded PDF (the fingerprint of the text attached under a name, or its pages and their text), or why not."""

    failure: Failure | None = None
    # The fingerprint of the attached file's bytes decoded as UTF-8, with replacements; None when there is no such file.
    attached_fingerprint: str | None = None
    pages: int = 0
    # None when not read: more pages than asked for, or a page whose text could not be extracted.
    visible_text: str | None = None
    # Its first signatures, as checked (signing.SignatureFound.to_json).
    signatures: tuple[dict, ...] = ()


class UploadReader:
    """Read one uploaded PDF in child processes that share one wall-time budget, counted from now."""

    def __init__(self, data: bytes):
        self.data = data
        self.deadline = time.monotonic() + WALL_SECONDS

    def attached_fingerprint(self, name: str) -> Reading:
        """Read the fingerprint of the text of the file attached under `name`: most uploads need no more than this."""
        return self._read(lambda reader: _attached(reader, name))

    def visible_text(self, max_pages: int) -> Reading:
        """Count the pages, and read their visible text if there are at most `max_pages`."""
        return self._read(lambda reader: _visible(reader, max_pages))

    def signatures(self, trusted: list[bytes]) -> Reading:
        """Check the PDF's first signatures against the trusted certificates (DER)."""
        return self._read(lambda reader: {"signatures": signing.signatures_in(self.data, trusted)})

    def _read(self, read: Callable[[PdfReader], dict]) -> Reading:
        receiving, sending = os.pipe()
        # A fork, not a new interpreter: pypdf is already loaded, and starting Python again would
        # spend much of the budget. The child touches nothing of the parent's (database, sockets).
        child = os.fork()
        if child == 0:
            _read_in_child(self.data, read, receiving, sending)
        os.close(sending)
        try:
            output = _received(receiving, self.deadline)
        finally:
            os.close(receiving)
        if output is None:
            os.kill(child, signal.SIGKILL)
        _, status = os.waitpid(child, 0)
        if output is None or os.WIFSIGNALED(status):  # over the deadline, or over its CPU time (SIGXCPU)
            return Reading(Failure.too_complex)
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError("The process reading an uploaded PDF failed.")
        found = json.loads(output)
        failure = found.pop("failure", None)
        return Reading(failure=Failure(failure) if failure else None, **found)


def _received(descriptor: int, deadline: float) -> bytes | None:
    """Return all that comes through the pipe until the writer closes it, or None if the deadline passes first."""
    chunks = []
    # poll, not select: a descriptor numbered over 1024 is fine.
    poller = select.poll()
    poller.register(descriptor, select.POLLIN)
    while (left := deadline - time.monotonic()) > 0:
        if poller.poll(left * 1000):
            chunk = os.read(descriptor, 65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    return None


def _read_in_child(data: bytes, read: Callable[[PdfReader], dict], receiving: int, sending: int) -> NoReturn:
    """Read within the limits, send what was found, and exit at once."""
    status = 1
    try:
        os.close(receiving)
        # pypdf's warnings about a hostile file are not the server's to log.
        logging.disable(logging.CRITICAL)
        _limit(resource.RLIMIT_CPU, CPU_SECONDS)
        _limit(resource.RLIMIT_AS, _address_space() + MEMORY_BYTES)
        overwrite_configuration(zlib_maximum_output_length=INFLATED_BYTES, stream_parsing_work_maximum_count=OPERATORS_PARSED)
        output = json.dumps(_found(data, read)).encode()
        with open(sending, "wb") as pipe:
            pipe.write(output)
        status = 0
    finally:
        # Never return into the request, nor run the parent's clean-up (atexit, closing its connections).
        os._exit(status)


def _limit(kind: int, value: int) -> None:
    hard = resource.getrlimit(kind)[1]
    value = value if hard == resource.RLIM_INFINITY else min(value, hard)
    resource.setrlimit(kind, (value, value))


def _address_space() -> int:
    """Return the bytes of address space this process (a fork of a worker) holds already."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _found(data: bytes, read: Callable[[PdfReader], dict]) -> dict:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return {"failure": Failure.encrypted.value}
        return read(reader)
    except (LimitReachedError, MemoryError):
        return {"failure": Failure.too_complex.value}
    except Exception:  # pypdf raises errors of many kinds on a damaged file; each means the same here
        return {"failure": Failure.damaged.value}


def _attached(reader: PdfReader, name: str) -> dict:
    texts = reader.attachments.get(name)
    return {"attached_fingerprint": fingerprint.fingerprint(texts[0].decode("utf-8", errors="replace"))} if texts else {}


def _visible(reader: PdfReader, max_pages: int) -> dict:
    pages = len(reader.pages)
    return {"pages": pages, "visible_text": _page_text(reader) if pages <= max_pages else None}


def _page_text(reader: PdfReader) -> str | None:
    try:
        return " ".join(page.extract_text() for page in reader.pages)
    except (LimitReachedError, MemoryError):
        raise
    except Exception:  # as in _found, pypdf's errors are many; here they leave only the visible text unknown
        return None
