"""Routes of the agreement's documents out (PDF, .docx) and of the import (issue 9); included
by urls.py."""

urlpatterns: list = []
