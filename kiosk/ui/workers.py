"""Failed background work is reported, never dropped: one place logs it and tells the visitor."""

from __future__ import annotations

from typing import cast

from textual.message_pump import MessagePump
from textual.worker import Worker, WorkerState

from kiosk.ui.messages import WorkerFailed


class ReportsFailedWorkers:
    """For a screen or widget that runs workers: a worker that fails is passed up to the app.

    Textual tells only the node that ran a worker how it ended (the message does not bubble), so each
    such node forwards failures as :class:`WorkerFailed`, which does.
    """

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            cast(MessagePump, self).post_message(WorkerFailed(event.worker))
