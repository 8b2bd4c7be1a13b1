"""The terminal UI's own words in Danish and English; process texts come from the files."""

_WORDS = {
    "cases": ("Sager", "Cases"),
    "case": ("Sag", "Case"),
    "title": ("Titel", "Title"),
    "process": ("Proces", "Process"),
    "processes": ("Processer", "Processes"),
    "step": ("Trin", "Step"),
    "deadline": ("Frist", "Deadline"),
    "days": ("dage", "days"),
    "changed": ("Ændret", "Changed"),
    "search": ("Søg i titler …", "Search titles …"),
    "search_key": ("Søg", "Search"),
    "all_processes": ("Alle processer", "All processes"),
    "all_steps": ("Alle trin", "All steps"),
    "overdue": ("Overskredne", "Overdue"),
    "overdue_flag": ("OVERSKREDET", "OVERDUE"),
    "mine": ("Mine", "Mine"),
    "open": ("Åbn", "Open"),
    "new_case": ("Ny sag", "New case"),
    "agenda": ("Dagsorden", "Agenda"),
    "refresh": ("Opdatér", "Refresh"),
    "quit": ("Afslut", "Quit"),
    "back": ("Tilbage", "Back"),
    "fields": ("Oplysninger", "Fields"),
    "history": ("Historik", "History"),
    "deadlines": ("Frister og påmindelser", "Deadlines and reminders"),
    "actions": ("Handlinger", "Actions"),
    "no_actions": ("Sagen er afsluttet.", "The case is closed."),
    "reminder": ("påmindelse", "reminder"),
    "take": ("Udfør", "Take action"),
    "cancel": ("Annullér", "Cancel"),
    "note": ("Note (begrundelse)", "Note (reason)"),
    "note_required": ("Note (begrundelse) – skal udfyldes", "Note (reason) – required"),
    "refused": ("Handlingen blev afvist:", "The action was refused:"),
    "done": ("Udført", "Done"),
    "created": ("Sag oprettet", "Case opened"),
    "choose_process": ("Vælg proces", "Choose a process"),
    "open_case": ("Opret sag", "Open case"),
    "level": ("Niveau", "Level"),
    "version": ("version", "version"),
    "closed": ("afsluttet", "closed"),
    "weeks_ahead": (
        "Frister de næste {weeks} uger, overskredne først",
        "Deadlines in the next {weeks} weeks, overdue first",
    ),
    "kind": ("Art", "Kind"),
    "due": ("Forfalder", "Due"),
    "changed_elsewhere": (
        "Sagen er ændret et andet sted; opdateret.",
        "The case was changed elsewhere; refreshed.",
    ),
    "busy": (
        "Databasen er optaget; prøv igen om et øjeblik.",
        "The database is busy; try again in a moment.",
    ),
    "count_line": ("{shown} af {total} sager", "{shown} of {total} cases"),
    "created_event": ("oprettet", "opened"),
    "deadline_event": ("frist overskredet", "deadline passed"),
    "reminder_event": ("påmindelse", "reminder"),
    "erasure_event": ("personoplysninger slettet", "personal data erased"),
    "yes": ("ja", "yes"),
    "no": ("nej", "no"),
    "not_now": ("ikke nu", "not now"),
    "by": ("af", "by"),
    "go_to_case": ("Gå til sag", "Go to case"),
    "goto_help": ("Skriv sagsnummeret", "Type the case number"),
    "requires": ("kræver", "requires"),
    "anyone": ("alle", "anyone"),
    "outbox": ("Udbakke", "Outbox"),
    "outbox_help": (
        "Beskeder der venter, og hændelser (fejlede efter sidste forsøg)",
        "Messages waiting, and incidents (failed after the last retry)",
    ),
    "outbox_id": ("Nr.", "No."),
    "outbox_status": ("Status", "Status"),
    "outbox_case": ("Sag", "Case"),
    "outbox_channel": ("Kanal", "Channel"),
    "outbox_recipient": ("Modtager", "Recipient"),
    "outbox_attempts": ("Forsøg", "Attempts"),
    "outbox_subject": ("Emne", "Subject"),
    "status_pending": ("venter", "pending"),
    "status_incident": ("HÆNDELSE", "INCIDENT"),
    "status_sent": ("sendt", "sent"),
    "status_dismissed": ("afvist", "dismissed"),
    "retry": ("Prøv igen", "Retry"),
    "new_incidents": (
        "{count} besked(er) kunne ikke sendes; se udbakken",
        "{count} message(s) could not be sent; see the outbox",
    ),
    "dismiss": ("Afvis", "Dismiss"),
    "start": ("start", "start"),
    "end": ("slut", "end"),
    "auto": ("derefter automatisk", "then automatically"),
}


class Words:
    def __init__(self, lang: str):
        self.index = 1 if lang == "en" else 0
        self.lang = "en" if self.index else "da"

    def __call__(self, key: str, **values) -> str:
        text = _WORDS[key][self.index]
        return text.format(**values) if values else text


def translate_bindings(node, words: Words) -> None:
    """Replace the binding descriptions (written as word keys) of ``node`` with words."""
    import dataclasses

    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            dataclasses.replace(b, description=words(b.description)) if b.description in _WORDS else b
            for b in bindings
        ]
    node.refresh_bindings()
