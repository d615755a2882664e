"""Reading an uploaded PDF in a process of its own, within budgets of time, memory and work it cannot exceed.

pypdf can spend minutes of CPU on a file of a few kilobytes (pages that share one compressed
stream of a million operators), and raises errors of many kinds on a damaged file. So an upload
is read by a child Python that the kernel limits (RLIMIT_CPU, RLIMIT_AS), that pypdf's own budgets
limit (bytes inflated and operators parsed in each stream), and that is killed at a wall-time
deadline. The child gets the bytes on its standard input and writes what it found as JSON: run as
a script, this file imports only the standard library and pypdf, and needs no network, database,
environment or application. Deciding what the text found means is verification's work.
"""

import enum
import io
import json
import resource
# Safe: it runs only this file, with this Python, without a shell.
import subprocess  # nosec B404
import sys
import time
from dataclasses import dataclass

from pypdf import PdfReader, overwrite_configuration
from pypdf.errors import LimitReachedError

# From the upload's arrival to its verdict, every child included, so that a refusal comes within 2 s.
WALL_SECONDS = 1.8
# The kernel's limits on the child: its CPU time, should it outlive a parent killed before the
# deadline, and its memory.
CPU_SECONDS = 2
MEMORY_BYTES = 1024 * 1024 * 1024
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
    """What was read of an uploaded PDF (the text attached under a name, or its pages and their text), or why not."""

    failure: Failure | None = None
    # The attached file's bytes decoded as UTF-8, with replacements; None when there is no such file.
    attached_text: str | None = None
    pages: int = 0
    # None when not read: more pages than asked for, or a page whose text could not be extracted.
    visible_text: str | None = None


class UploadReader:
    """Read one uploaded PDF in child processes that share one wall-time budget, counted from now."""

    def __init__(self, data: bytes):
        self.data = data
        self.deadline = time.monotonic() + WALL_SECONDS

    def attached_text(self, name: str) -> Reading:
        """Read the text of the file attached under `name`: most uploads need no more than this."""
        return self._read("attached", name)

    def visible_text(self, max_pages: int) -> Reading:
        """Count the pages, and read their visible text if there are at most `max_pages`."""
        return self._read("visible", str(max_pages))

    def _read(self, *arguments: str) -> Reading:
        try:
            # Safe: a fixed command (this Python, this file, a word of ours); the upload goes to standard input.
            child = subprocess.run(  # nosec B603
                [sys.executable, "-I", __file__, *arguments], input=self.data, capture_output=True,
                timeout=max(0.0, self.deadline - time.monotonic()), env={}, check=False,
            )
        except subprocess.TimeoutExpired:  # run() has killed the child
            return Reading(Failure.too_complex)
        if child.returncode < 0:  # killed by the kernel: over its CPU time
            return Reading(Failure.too_complex)
        if child.returncode != 0:
            raise RuntimeError(f"Reading an uploaded PDF failed: {child.stderr.decode(errors='replace')[-2000:]}")
        found = json.loads(child.stdout)
        failure = found.pop("failure", None)
        return Reading(failure=Failure(failure) if failure else None, **found)


def _attached(reader: PdfReader, name: str) -> dict:
    texts = reader.attachments.get(name)
    return {"attached_text": texts[0].decode("utf-8", errors="replace")} if texts else {}


def _visible(reader: PdfReader, max_pages: str) -> dict:
    pages = len(reader.pages)
    return {"pages": pages, "visible_text": _page_text(reader) if pages <= int(max_pages) else None}


def _page_text(reader: PdfReader) -> str | None:
    try:
        return " ".join(page.extract_text() for page in reader.pages)
    except (LimitReachedError, MemoryError):
        raise
    except Exception:  # as in _main, pypdf's errors are many; here they leave only the visible text unknown
        return None


def _main() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    overwrite_configuration(zlib_maximum_output_length=INFLATED_BYTES, stream_parsing_work_maximum_count=OPERATORS_PARSED)
    what, argument = sys.argv[1:]
    try:
        reader = PdfReader(io.BytesIO(sys.stdin.buffer.read()))
        if reader.is_encrypted:
            found = {"failure": Failure.encrypted.value}
        else:
            found = (_attached if what == "attached" else _visible)(reader, argument)
    except (LimitReachedError, MemoryError):
        found = {"failure": Failure.too_complex.value}
    except Exception:  # pypdf raises errors of many kinds on a damaged file; each means the same here
        found = {"failure": Failure.damaged.value}
    sys.stdout.write(json.dumps(found))


if __name__ == "__main__":
    _main()
