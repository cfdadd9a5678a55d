"""Reads of the disposition chain: a letter's tree, the positions one may dispose to, and what the
letter page shows of both. Callers check first that the user may read the letter in full."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from disposisi.models import FollowUp, FollowUpFile
from organisasi.models import Position, User
from organisasi.selectors import holders_of, open_positions, position_ids_for, positions_below
from persuratan.models import InboxItem, IncomingLetter

CLOSED_STATUSES = (InboxItem.Status.DONE, InboxItem.Status.WITHDRAWN)
OVERDUE = "overdue"
STATE_LABELS = {
    InboxItem.Status.UNREAD: "Belum dibaca",
    InboxItem.Status.READ: "Dibaca",
    InboxItem.Status.IN_PROGRESS: "Dalam proses",
    InboxItem.Status.DONE: "Selesai",
    OVERDUE: "Lewat batas waktu",
    InboxItem.Status.WITHDRAWN: "Ditarik",
}
# Bootstrap's text-bg-* pairs keep AA contrast; the label carries the meaning, not the colour.
STATE_BADGES = {
    InboxItem.Status.UNREAD: "text-bg-secondary",
    InboxItem.Status.READ: "text-bg-info",
    InboxItem.Status.IN_PROGRESS: "text-bg-primary",
    InboxItem.Status.DONE: "text-bg-success",
    OVERDUE: "text-bg-danger",
    InboxItem.Status.WITHDRAWN: "text-bg-light border",
}


def display_state(item: InboxItem, *, today: date) -> str:
    """The node's status, except that an open node past its deadline shows as overdue."""
    return OVERDUE if item.is_overdue_on(today) else item.status


@dataclass
class Rollup:
    """What happened below a node: its descendants (withdrawn ones left out) by state."""

    total: int = 0
    done: int = 0
    overdue: int = 0

    def add(self, other: "Rollup") -> None:
        self.total += other.total
        self.done += other.done
        self.overdue += other.overdue


@dataclass(eq=False)
class TreeNode:
    item: InboxItem
    holders: list[str]
    state: str
    follow_ups: list[FollowUp]
    children: list["TreeNode"] = field(default_factory=list)
    below: Rollup = field(default_factory=Rollup)
    # Set by letter_section for the user looking at the page.
    can_dispose: bool = False
    can_report: bool = False
    can_withdraw: bool = False

    @property
    def position(self) -> Position:
        return self.item.position

    @property
    def disposition(self):
        """The edge that made this node (instructions, note, sender), or None for addressee/tembusan."""
        return getattr(self.item, "disposition", None)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def badge_class(self) -> str:
        return STATE_BADGES[self.state]


@dataclass
class LetterTree:
    """A letter's disposition tree: the addressees' nodes with everything below them, and the tembusan."""

    roots: list[TreeNode]
    copies: list[TreeNode]
    nodes: dict[int, TreeNode]


# What a node of the tree shows (disposisi/_tree_nodes.html) and what letter_section decides on:
# a letter's tree is read whole, and full rows of six tables per node were most of its cost.
TREE_NODE_FIELDS = (
    "letter_id", "position_id", "parent_id", "reason", "from_position_id", "status", "received_at",
    "due_on", "priority", "done_at",
    "position__name", "position__opd_id", "position__opd__name", "position__opd__short_name",
    "disposition__item_id", "disposition__instructions", "disposition__note", "disposition__created_at",
    "disposition__actor__full_name", "disposition__actor__username", "disposition__from_position__name",
)  # fmt: skip


def tree_for(*, letter: IncomingLetter) -> LetterTree:
    """The whole tree of a letter in four queries at most, whatever its size: nodes with their
    position and disposition, follow-ups, their files (when there are follow-ups), and the holders
    of every position."""
    today = timezone.localdate()
    items = list(
        InboxItem.objects.filter(letter=letter)
        .select_related(
            "position", "position__opd", "disposition", "disposition__actor", "disposition__from_position"
        )
        .only(*TREE_NODE_FIELDS)
        .order_by("received_at", "id")
    )
    if not items:
        return LetterTree(roots=[], copies=[], nodes={})
    item_ids = [item.pk for item in items]
    follow_ups: dict[int, list[FollowUp]] = {}
    by_id: dict[int, FollowUp] = {}
    for follow_up in (
        FollowUp.objects.filter(item_id__in=item_ids)
        .select_related("author")
        .only("item_id", "text", "marks_done", "created_at", "author__full_name", "author__username")
        .order_by("created_at", "id")
    ):
        follow_up.attachments = []
        by_id[follow_up.pk] = follow_up
        follow_ups.setdefault(follow_up.item_id, []).append(follow_up)
    attachments = FollowUpFile.objects.filter(follow_up_id__in=list(by_id)).order_by("id") if by_id else []
    for attachment in attachments:
        by_id[attachment.follow_up_id].attachments.append(attachment)
    holders = holders_of(position_ids={item.position_id for item in items}, on=today)

    nodes = {
        item.pk: TreeNode(
            item=item,
            holders=[str(user) for user in holders.get(item.position_id, [])],
            state=display_state(item, today=today),
            follow_ups=follow_ups.get(item.pk, []),
        )
        for item in items
    }
    roots, copies = [], []
    for node in nodes.values():
        if node.item.parent_id is not None:
            nodes[node.item.parent_id].children.append(node)
        elif node.item.reason == InboxItem.Reason.COPY:
            copies.append(node)
        else:
            roots.append(node)
    for root in roots:
        _roll_up(root)
    return LetterTree(roots=roots, copies=copies, nodes=nodes)


def _roll_up(node: TreeNode) -> Rollup:
    """Fill `node.below` from its children; returns what the node and its subtree add to its parent's."""
    for child in node.children:
        node.below.add(_roll_up(child))
    if node.item.status == InboxItem.Status.WITHDRAWN:
        return Rollup()
    own = Rollup(
        total=1,
        done=int(node.item.status == InboxItem.Status.DONE),
        overdue=int(node.state == OVERDUE),
    )
    own.add(node.below)
    return own


def dispose_targets(*, user: User, item: InboxItem) -> list[Position]:
    """The positions right below this node, in the tree's order: whom a disposition usually goes to,
    offered as boxes to tick (deeper positions are found by typing, dispose_candidates).

    Each carries `already_disposed` when an open disposition from this node already reaches it (and,
    as every position, `holder_names`). A closed position is skipped, but the open positions right
    under it take its place. Empty when the user does not act for the node or it is closed.
    """
    today = timezone.localdate()
    if not _may_dispose_from(user=user, item=item, on=today):
        return []
    by_order = ("order", "name", "id")
    rows = Position.objects.select_related("opd").defer("search", "search_terms").order_by(*by_order)
    children = list(rows.filter(parent_id=item.position_id))
    closed = [child.pk for child in children if not child.is_open_on(today)]
    below_closed: dict[int, list[Position]] = {}
    if closed:
        for position in rows.filter(parent_id__in=closed):
            below_closed.setdefault(position.parent_id, []).append(position)
    direct = [
        position
        for child in children
        for position in [child, *below_closed.get(child.pk, [])]
        if position.is_open_on(today)
    ]
    disposed = set(
        InboxItem.objects.filter(
            parent=item, reason=InboxItem.Reason.DISPOSITION, status__in=InboxItem.OPEN_STATUSES
        ).values_list("position_id", flat=True)
    )
    for position in direct:
        position.already_disposed = position.pk in disposed
    return direct


def dispose_candidates(*, user: User, item: InboxItem) -> QuerySet[Position]:
    """Every open position below this node, at any depth and across OPDs: where typing on the dispose
    page searches. The service decides again on whatever is posted."""
    today = timezone.localdate()
    if not _may_dispose_from(user=user, item=item, on=today):
        return Position.objects.none()
    return open_positions(on=today) & positions_below(position_id=item.position_id)


def _may_dispose_from(*, user: User, item: InboxItem, on: date) -> bool:
    return (
        item.reason != InboxItem.Reason.COPY
        and item.status not in CLOSED_STATUSES
        and item.position_id in position_ids_for(user=user, on=on)
    )


@dataclass(frozen=True)
class Actions:
    """What the user may do with one of their own nodes."""

    dispose: bool
    report: bool
    withdraw: tuple[int, ...]  # child nodes (item ids) the user may still take back


def letter_section(*, user: User, letter: IncomingLetter, my_items: list[InboxItem]) -> dict:
    """Everything `disposisi/_letter_section.html` shows: the tree with the user's buttons on it.

    `my_items` are the user's own nodes of this letter (persuratan.selectors.items_of_user).
    """
    tree = tree_for(letter=letter)
    mine = {item.pk for item in my_items}
    my_positions = {item.position_id for item in my_items}
    # A leaf position (staf) has nobody to dispose to: it gets no "Teruskan" button.
    with_subordinates = {item.position_id for item in my_items if item.has_subordinates}
    for node in tree.nodes.values():
        item = node.item
        if item.pk in mine and item.reason != InboxItem.Reason.COPY and item.status not in CLOSED_STATUSES:
            node.can_report = True
            node.can_dispose = item.position_id in with_subordinates
        node.can_withdraw = (
            item.reason == InboxItem.Reason.DISPOSITION
            and item.status == InboxItem.Status.UNREAD
            and item.from_position_id in my_positions
        )
    actions = {
        pk: Actions(
            dispose=tree.nodes[pk].can_dispose,
            report=tree.nodes[pk].can_report,
            withdraw=tuple(child.item.pk for child in tree.nodes[pk].children if child.can_withdraw),
        )
        for pk in mine
        if pk in tree.nodes
    }
    return {
        "letter": letter,
        "tree": tree.roots,
        "copies": tree.copies,
        "actions": actions,
        "today": timezone.localdate(),
    }


def held_item(*, user: User, pk: int) -> InboxItem | None:
    """A node the user acts for today, with its letter; None when it is not theirs (or missing)."""
    item = (
        InboxItem.objects.select_related(
            "letter", "letter__opd", "position", "from_position", "disposition", "disposition__actor"
        )
        .filter(pk=pk)
        .exclude(status=InboxItem.Status.WITHDRAWN)
        .first()
    )
    if item is None or item.position_id not in position_ids_for(user=user, on=timezone.localdate()):
        return None
    return item


def sent_item(*, user: User, pk: int) -> InboxItem | None:
    """A disposition node sent from a position the user acts for today; None otherwise."""
    item = (
        InboxItem.objects.select_related("letter", "position", "from_position")
        .filter(pk=pk, reason=InboxItem.Reason.DISPOSITION)
        .first()
    )
    if item is None or item.from_position_id not in position_ids_for(user=user, on=timezone.localdate()):
        return None
    return item


def follow_up_file(*, pk: int) -> FollowUpFile | None:
    """A follow-up file with its letter; the caller checks the user may read that letter in full."""
    return (
        FollowUpFile.objects.select_related("follow_up__item__letter", "follow_up__item__letter__opd")
        .filter(pk=pk)
        .first()
    )
