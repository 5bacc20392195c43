"""Sending a slip to the receipt printer with python-escpos, never for longer than a deadline.

A printer in a lobby is often off, out of paper, unplugged or stuck. Every way it can fail ends in
:class:`PrinterProblem` with a reason the kiosk turns into a calm sentence, within ``timeout_s`` plus
a second: the job runs in a thread of its own and is cut off (its connection closed) when time is up.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import os
import socket
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from PIL import Image

from kiosk.config import PrinterSettings

if TYPE_CHECKING:
    from escpos.escpos import Escpos

log = logging.getLogger(__name__)

Reason = Literal["not_configured", "unreachable", "refused", "offline", "no_paper", "stalled", "failed"]
#: Real-time status requests (DLE EOT n) and the bits that answer them.
_STATUS_ONLINE = b"\x10\x04\x01"
_STATUS_PAPER = b"\x10\x04\x04"
_OFFLINE_BIT = 0x08
_NO_PAPER_BITS = 0x60
#: Seconds to wait for a status answer: printers answer at once or not at all (one-way links).
STATUS_WAIT_S = 1.0
#: Image rows per ESC/POS raster command; a slip is sent in a few such bands.
BAND = 480


class PrinterProblem(Exception):
    """Printing failed; ``reason`` says how, for the visitor's message and the staff screen."""

    def __init__(self, reason: Reason, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class PrinterState:
    """What staff read about the printer: fine or the reason it is not, and one line of detail."""

    ok: bool
    reason: Reason | Literal["ready", "ready_no_status"]
    detail: str = ""


_import_lock = threading.Lock()


def _escpos() -> Any:
    """Import python-escpos once, without its side effects on the kiosk's terminal and /tmp.

    Its capabilities module calls ``logging.basicConfig()`` (a handler that would write onto the
    kiosk's screen) and writes a cache into a new temporary directory on every import.
    """
    with _import_lock:
        root = logging.getLogger()
        guard = logging.NullHandler()
        if not root.handlers:
            root.addHandler(guard)  # basicConfig() does nothing when the root has a handler
        os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", tempfile.gettempdir())
        try:
            import escpos.printer

            return escpos.printer
        finally:
            if guard in root.handlers:
                root.removeHandler(guard)


def known_profile(name: str) -> bool:
    """Whether python-escpos has a capability profile called ``name``."""
    _escpos()
    from escpos.capabilities import CAPABILITIES

    return name in CAPABILITIES["profiles"]


def connect(settings: PrinterSettings) -> Escpos:
    """An open connection to the configured printer; :class:`PrinterProblem` if it cannot be opened."""
    printers = _escpos()
    from escpos.exceptions import DeviceNotFoundError

    profile = settings.profile if known_profile(settings.profile) else "default"
    try:
        if settings.connection == "network":
            printer = printers.Network(
                settings.host, settings.port, timeout=settings.timeout_s, profile=profile
            )
        elif settings.connection == "file":
            printer = printers.File(str(settings.device), profile=profile)
        elif settings.connection == "usb":
            printer = printers.Usb(
                settings.usb_vendor_id,
                settings.usb_product_id,
                timeout=int(settings.timeout_s * 1000),
                profile=profile,
            )
        else:
            raise PrinterProblem("not_configured")
        _set_paper_width(printer, settings.width_dots)
        printer.open()
    except DeviceNotFoundError as exc:
        raise PrinterProblem(_why_not_found(exc), _one_line(exc)) from None
    except (OSError, RuntimeError, ValueError) as exc:  # pyusb or libusb missing, a device that vanished
        raise PrinterProblem("unreachable", _one_line(exc)) from None
    return printer


def _set_paper_width(printer: Escpos, dots: int) -> None:
    """Tell the profile how wide the paper is; a copy, since python-escpos shares profile data per class."""
    data = copy.deepcopy(printer.profile.profile_data)
    data.setdefault("media", {}).setdefault("width", {})["pixels"] = dots
    printer.profile.profile_data = data


def _why_not_found(exc: BaseException) -> Reason:
    cause = exc.__context__
    if isinstance(cause, ConnectionRefusedError):
        return "refused"
    return "unreachable"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or exc.__class__.__name__


def _status(printer: Escpos, request: bytes) -> int | None:
    """The printer's answer to a real-time status request, or None when it gives none."""
    device = printer.device
    if isinstance(device, socket.socket):
        previous = device.gettimeout()
        device.settimeout(STATUS_WAIT_S)
        try:
            device.sendall(request)
            answer = device.recv(16)
        except TimeoutError:
            return None
        finally:
            device.settimeout(previous)
        if not answer:
            raise PrinterProblem("stalled", "the printer closed the connection")
        return answer[-1]
    if hasattr(device, "read"):  # USB: pyusb reads with a timeout in milliseconds
        try:
            printer._raw(request)
            answer = device.read(printer.in_ep, 16, int(STATUS_WAIT_S * 1000))
        except Exception:
            return None
        return int(answer[-1]) if len(answer) else None
    return None  # a device file is written only


def check(printer: Escpos) -> bool:
    """Raise :class:`PrinterProblem` if the printer says it is offline or out of paper.

    Returns whether it answered at all (a one-way link never does).
    """
    online = _status(printer, _STATUS_ONLINE)
    if online is not None and online & _OFFLINE_BIT:
        raise PrinterProblem("offline", "the printer reports it is offline (cover open or paper out)")
    paper = _status(printer, _STATUS_PAPER)
    if paper is not None and paper & _NO_PAPER_BITS == _NO_PAPER_BITS:
        raise PrinterProblem("no_paper", "the paper roll is empty")
    return online is not None or paper is not None


def send_image(printer: Escpos, image: Image.Image) -> None:
    """Print ``image`` (as wide as the paper) in raster bands and cut the paper."""
    printer.hw("INIT")
    for top in range(0, image.height, BAND):
        band = image.crop((0, top, image.width, min(image.height, top + BAND)))
        printer.image(band, impl="bitImageRaster")
    printer.cut()


def _job(settings: PrinterSettings, image: Image.Image, opened: Callable[[Escpos], None]) -> None:
    printer = connect(settings)
    opened(printer)
    try:
        answered = check(printer)
        send_image(printer, image)
        # A printer that answered before and falls silent during the slip has stopped printing it.
        if answered and _status(printer, _STATUS_ONLINE) is None:
            raise PrinterProblem("stalled", "the printer stopped answering during the slip")
    except PrinterProblem:
        raise
    except (OSError, ValueError) as exc:
        raise PrinterProblem(
            "stalled" if isinstance(exc, TimeoutError) else "failed", _one_line(exc)
        ) from None
    finally:
        with contextlib.suppress(Exception):
            printer.close()


def print_image(settings: PrinterSettings, image: Image.Image) -> None:
    """Print ``image`` within ``timeout_s`` plus a second, or raise :class:`PrinterProblem`.

    The image is not kept anywhere: once this returns, nothing of the slip remains.
    """
    if not settings.enabled:
        raise PrinterProblem("not_configured")
    done: Future[None] = Future()
    holder: list[Escpos] = []

    def run() -> None:
        try:
            _job(settings, image, holder.append)
        except BaseException as exc:
            done.set_exception(exc)
        else:
            done.set_result(None)

    thread = threading.Thread(target=run, name="kiosk-print", daemon=True)
    thread.start()
    try:
        done.result(timeout=settings.timeout_s + 1.0)
    except TimeoutError:
        for printer in holder:  # unblocks a send stuck on a printer that stopped reading
            with contextlib.suppress(Exception):
                printer.close()
        raise PrinterProblem("stalled", f"no answer within {settings.timeout_s:g} s") from None
    except PrinterProblem:
        raise
    except Exception as exc:
        raise PrinterProblem("failed", _one_line(exc)) from None


def printer_state(settings: PrinterSettings) -> PrinterState:
    """Connect, ask the printer how it is and disconnect: for ``kiosk doctor`` and the staff screen."""
    if not settings.enabled:
        return PrinterState(False, "not_configured")
    done: Future[bool] = Future()

    def run() -> None:
        try:
            printer = connect(settings)
            try:
                done.set_result(check(printer))
            finally:
                with contextlib.suppress(Exception):
                    printer.close()
        except BaseException as exc:
            done.set_exception(exc)

    threading.Thread(target=run, name="kiosk-printer-state", daemon=True).start()
    try:
        answered = done.result(timeout=settings.timeout_s + 2 * STATUS_WAIT_S + 1.0)
    except TimeoutError:
        return PrinterState(False, "stalled", f"no answer within {settings.timeout_s:g} s")
    except PrinterProblem as problem:
        return PrinterState(False, problem.reason, problem.detail)
    except Exception as exc:
        return PrinterState(False, "failed", _one_line(exc))
    if answered:
        return PrinterState(True, "ready")
    return PrinterState(True, "ready_no_status", "the printer does not report its status")


_STATE_WORDS: dict[str, str] = {
    "ready": "ready",
    "ready_no_status": "reachable; it does not report paper or cover (one-way link)",
    "not_configured": "none configured: no print button is shown",
    "unreachable": "not reachable",
    "refused": "refuses the connection (switched off, or another port?)",
    "offline": "offline (cover open or paper out)",
    "no_paper": "out of paper",
    "stalled": "stopped answering",
    "failed": "failed",
}


def describe_state(
    settings: PrinterSettings, state: PrinterState
) -> tuple[Literal["OK", "WARN", "FAIL"], str]:
    """The doctor's status ("OK", "WARN", "FAIL") and one line for staff: where the printer is and how."""
    where = {
        "network": f"{settings.host}:{settings.port}",
        "file": str(settings.device),
        "usb": f"USB {settings.usb_vendor_id or 0:04x}:{settings.usb_product_id or 0:04x}",
    }.get(settings.connection or "", "")
    words = _STATE_WORDS[state.reason]
    line = f"{where}: {words}" if where else words
    if state.detail and not state.ok:
        line += f" ({state.detail})"
    if state.reason == "not_configured":
        return "OK", line
    return ("OK" if state.reason == "ready" else "WARN" if state.ok else "FAIL"), line
