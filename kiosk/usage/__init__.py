"""What visitors leave behind, anonymously: hourly counts (:mod:`.counts`), the office's report
(:mod:`.report`), and "Was this helpful?" answers waiting in an outbox (:mod:`.outbox`) until the
sender (:mod:`.sender`) has delivered them; all in the usage file (:mod:`.store`)."""
