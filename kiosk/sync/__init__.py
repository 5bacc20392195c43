"""When and how content is refreshed: one round (:mod:`.round`), the background loop (:mod:`.loop`),
and what the kiosk shows at start and how fresh it is (:mod:`.status`)."""
