"""Every write on letters, split by flow: incoming letters and inboxes, outgoing letters."""

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
    store_file_text,
)

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
    "register_incoming",
    "share_letter",
    "store_file_text",
]
