"""Every write on letters, split by flow: incoming letters and inboxes, reading their scans, outgoing letters."""

from persuratan.services.incoming import (
    VIEW_PERMISSION,
    LetterDetails,
    Sender,
    acting_position_for,
    change_item_status,
    deliver,
    mark_read,
    receive_letter,
    record_file_opened,
    register_incoming,
    share_letter,
)
from persuratan.services.scan_text import record_ocr_failure, store_file_text, store_ocr_text

__all__ = [
    "VIEW_PERMISSION",
    "LetterDetails",
    "Sender",
    "acting_position_for",
    "change_item_status",
    "deliver",
    "mark_read",
    "receive_letter",
    "record_file_opened",
    "record_ocr_failure",
    "register_incoming",
    "share_letter",
    "store_file_text",
    "store_ocr_text",
]
