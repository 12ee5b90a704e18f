"""Signals of intake, for the apps that sit on top of it.

``document_uploaded`` is sent after the transaction that stored a new version of a qualification
document has committed (``services.document_upload``: the staff page, the portal and the API
alike), so a receiver sees the version as stored and may queue background work on it (licences
reads a new business licence and compares it with the register). A failing receiver is logged;
it never undoes the upload. Intake imports none of its receivers."""

from django.dispatch import Signal

document_uploaded = Signal()  # kwargs: document (a QualificationDocument)
