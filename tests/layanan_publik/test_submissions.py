"""Submissions: applying with answers and documents, the operator's verification, fixing a returned
submission, the applicant's timeline and the reply that finishes it."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from disposisi.models import Instruction
from disposisi.services import dispose
from kantor_virtual.errors import Refused
from kantor_virtual.models import Notification
from layanan_publik.models import CODE_ALPHABET, CODE_LENGTH, Submission, SubmissionDocument
from layanan_publik.selectors import applicant_timeline, verification_queue
from layanan_publik.services.submissions import Upload, accept, reject, resubmit, return_incomplete, submit
from layanan_publik.workdays import add_working_days
from persuratan.models import InboxItem, IncomingLetter, OutgoingRecipient
from persuratan.services.outgoing import (
    DraftDetails,
    RecipientSpec,
    create_draft,
    request_signature,
    submit_for_review,
)
from tests.factories import UnitFactory
from tte.services import enrol

pytestmark = pytest.mark.django_db
ANSWERS = {"nama_lembaga": "LKS Kasih Bunda", "jumlah_klien": "42"}


@pytest.fixture
def uploads(service, make_scan):
    def make(*, skip=(), extra=0):
        chosen = [
            Upload(file=make_scan(text=f"Dokumen {doc.name}", name=f"{doc.order}.pdf"), requirement=doc)
            for doc in service.documents.all()
            if doc.required and doc.name not in skip
        ]
        return chosen + [Upload(file=make_scan(text=f"Lain {n}", name=f"lain-{n}.pdf")) for n in range(extra)]

    return make


@pytest.fixture
def dinsos_operator(make_operator, dinsos):
    return make_operator(opd=dinsos, full_name="Operator Dinsos")


@pytest.fixture
def submitted(service, applicant, uploads, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return submit(actor=applicant.user, service=service, answers=ANSWERS, uploads=uploads())


# ── Applying ─────────────────────────────────────────────────────────────────────────────────


def test_a_verified_applicant_submits_and_gets_a_tracking_code_and_a_receipt(
    service, applicant, uploads, today, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(actor=applicant.user, service=service, answers=ANSWERS, uploads=uploads(extra=1))

    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED and submission.opd == service.opd
    assert len(submission.tracking_code) == CODE_LENGTH and set(submission.tracking_code) <= set(
        CODE_ALPHABET
    )
    assert submission.due_on == add_working_days(today, 14)
    version = submission.versions.get()
    assert version.answers == ANSWERS
    assert sorted(d.original_name for d in version.documents.all()) == ["1.pdf", "2.pdf", "lain-0.pdf"]
    assert all(len(d.sha256) == 64 for d in version.documents.all())
    assert submission.receipt.name.endswith(f"{submission.tracking_code}-v1.pdf")
    [receipt_mail] = [m for m in mail.outbox if m.attachments]
    assert receipt_mail.to == [applicant.user.email] and submission.tracking_code in receipt_mail.subject
    assert receipt_mail.attachments[0][1][:5] == b"%PDF-"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"answers": {"jumlah_klien": "42"}}, "bad_answers"),
        ({"answers": {"nama_lembaga": "LKS", "jumlah_klien": "empat puluh"}}, "bad_answers"),
        ({"skip": ("Akta pendirian",)}, "missing_document"),
        ({"bad_file": True}, "bad_file"),
        ({"extra": 9}, "too_many_files"),
        ({"inactive": True}, "inactive_service"),
    ],
)
def test_bad_submissions_are_refused_and_nothing_is_kept(
    service, applicant, uploads, make_scan, settings, change, code
):
    settings.PORTAL_MAX_DOCUMENTS = 5
    chosen = uploads(skip=change.get("skip", ()), extra=change.get("extra", 0))
    if change.get("bad_file"):
        chosen.append(Upload(file=make_scan(content=b"MZ\x90\x00 bukan pdf", name="virus.pdf")))
    if change.get("inactive"):
        service.active = False
        service.save()
    with pytest.raises(Refused) as refused:
        submit(actor=applicant.user, service=service, answers=change.get("answers", ANSWERS), uploads=chosen)
    assert refused.value.code == code
    assert not Submission.objects.exists() and not SubmissionDocument.objects.exists()


def test_an_unverified_email_or_a_staff_account_cannot_submit(service, make_applicant, make_user, uploads):
    with pytest.raises(Refused) as unverified:
        submit(actor=make_applicant(verified=False).user, service=service, answers=ANSWERS, uploads=uploads())
    assert unverified.value.code == "email_unverified"
    with pytest.raises(Refused) as staff:
        submit(actor=make_user(), service=service, answers=ANSWERS, uploads=uploads())
    assert staff.value.code == "not_applicant"
    assert not Submission.objects.exists()


# ── Verification ─────────────────────────────────────────────────────────────────────────────


def test_an_accepted_submission_becomes_an_incoming_letter_in_the_addressees_inbox(
    submitted, dinsos_operator, dinsos_head, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        accept(actor=dinsos_operator, submission=submitted)

    submitted.refresh_from_db()
    letter = submitted.letter
    assert submitted.status == Submission.Status.ACCEPTED and letter.opd == submitted.opd
    assert letter.source == IncomingLetter.Source.PUBLIC and letter.origin_key == f"submission:{submitted.pk}"
    assert letter.sender_number == submitted.tracking_code and letter.sender_email == applicant.user.email
    assert "Nama lembaga: LKS Kasih Bunda" in letter.summary
    assert letter.files.count() == 2
    assert InboxItem.objects.filter(letter=letter, position=dinsos_head, reason="addressee").exists()
    notice = Notification.objects.get(user=applicant.user, key=f"permohonan:{submitted.pk}:accepted")
    assert notice.emailed_at is not None


@pytest.mark.parametrize("who", ["other_operator", "staff"])
def test_only_the_opds_operator_verifies(submitted, make_operator, make_user, opd, who):
    actor = make_operator(opd=opd) if who == "other_operator" else make_user()
    with pytest.raises(Refused) as refused:
        accept(actor=actor, submission=submitted)
    assert refused.value.code == "not_operator"
    assert (
        Submission.objects.get().status == Submission.Status.SUBMITTED and not IncomingLetter.objects.exists()
    )


def test_a_decision_is_made_once_and_returns_and_rejections_say_why(submitted, dinsos_operator):
    with pytest.raises(Refused) as no_note:
        return_incomplete(actor=dinsos_operator, submission=submitted, note=" ")
    assert no_note.value.code == "missing_note"
    with pytest.raises(Refused) as no_reason:
        reject(actor=dinsos_operator, submission=submitted, reason="")
    assert no_reason.value.code == "missing_reason"
    reject(actor=dinsos_operator, submission=submitted, reason="Layanan ini untuk LKS tingkat provinsi.")
    with pytest.raises(Refused) as twice:
        accept(actor=dinsos_operator, submission=submitted)
    assert twice.value.code == "already_decided"
    assert not IncomingLetter.objects.exists()


def test_a_returned_submission_is_fixed_as_a_new_version_keeping_what_was_not_resent(
    submitted,
    dinsos_operator,
    applicant,
    service,
    make_scan,
    make_applicant,
    django_capture_on_commit_callbacks,
):
    return_incomplete(actor=dinsos_operator, submission=submitted, note="Akta pendirian tidak terbaca.")
    akta = service.documents.get(name="Akta pendirian")
    fixed = [Upload(file=make_scan(text="Akta baru", name="akta-baru.pdf"), requirement=akta)]

    with pytest.raises(Refused) as stranger:
        resubmit(actor=make_applicant().user, submission=submitted, answers=ANSWERS, uploads=fixed)
    assert stranger.value.code == "not_owner"
    with django_capture_on_commit_callbacks(execute=True):
        version = resubmit(
            actor=applicant.user,
            submission=submitted,
            answers=ANSWERS,
            uploads=fixed,
            note="Akta dipindai ulang",
        )

    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED and submitted.version == 2 == version.number
    assert sorted(d.original_name for d in version.documents.all()) == ["1.pdf", "akta-baru.pdf"]
    assert sorted(d.original_name for d in submitted.versions.get(number=1).documents.all()) == [
        "1.pdf",
        "2.pdf",
    ]
    assert submitted.receipt.name.endswith("-v2.pdf")
    with pytest.raises(Refused) as again:
        resubmit(actor=applicant.user, submission=submitted, answers=ANSWERS, uploads=fixed)
    assert again.value.code == "not_returned"
    accept(actor=dinsos_operator, submission=submitted)
    submitted.refresh_from_db()
    assert sorted(f.original_name for f in submitted.letter.files.all()) == ["1.pdf", "akta-baru.pdf"], (
        "the letter carries the latest version's documents"
    )


def test_the_queue_puts_the_nearest_time_limit_first(service, applicant, uploads, dinsos):
    first = submit(actor=applicant.user, service=service, answers=ANSWERS, uploads=uploads())
    second = submit(actor=applicant.user, service=service, answers=ANSWERS, uploads=uploads())
    Submission.objects.filter(pk=second.pk).update(due_on=timezone.localdate())
    rows = verification_queue(opd=dinsos)
    assert [row.submission for row in rows] == [second, first]
    assert rows[0].days_left == 0 and rows[1].days_left == 14


# ── What follows: dispositions and the reply ─────────────────────────────────────────────────


def test_the_applicant_follows_the_letter_by_unit_and_the_signed_reply_finishes_it(
    submitted,
    dinsos_operator,
    dinsos,
    dinsos_head,
    make_position,
    make_user,
    applicant,
    make_applicant,
    client,
    django_capture_on_commit_callbacks,
):
    accept(actor=dinsos_operator, submission=submitted)
    submitted.refresh_from_db()
    head = dinsos_head.assignments.get().user
    unit = UnitFactory(opd=dinsos, name="Bidang Rehabilitasi Sosial")
    kabid = make_position(name="Kepala Bidang Rehabilitasi Sosial", opd=dinsos, parent=dinsos_head, unit=unit)
    make_user(holds=kabid, full_name="Agus Pranoto")
    with django_capture_on_commit_callbacks(execute=True):
        dispose(
            actor=head,
            from_item=InboxItem.objects.get(letter=submitted.letter, position=dinsos_head),
            to=[kabid],
            instructions=[Instruction.FOLLOW_UP],
        )
    steps = applicant_timeline(submitted)
    assert [(s.title, s.detail) for s in steps][-1] == ("Didisposisikan", "kepada Bidang Rehabilitasi Sosial")
    assert "Agus Pranoto" not in str(steps) and "Siti Rahmawati" not in str(steps)
    assert Notification.objects.filter(
        user=applicant.user, key__startswith=f"permohonan:{submitted.pk}:event:"
    ).exists()

    reply = create_draft(
        actor=head,
        position=dinsos_head,
        details=DraftDetails(
            letter_type="official_letter",
            subject="Tanda daftar LKS Kasih Bunda",
            security_class="ordinary",
            urgency="normal",
            classification=submitted.service.classification,
            signer_position=dinsos_head,
            in_reply_to=submitted.letter,
        ),
        recipients=[
            RecipientSpec(
                kind=OutgoingRecipient.Kind.TO, name=applicant.display_name, email=applicant.user.email
            )
        ],
        body_html="<p>Permohonan Saudara kami kabulkan.</p>",
        reviewers=[],
    )
    submit_for_review(actor=head, letter=reply)
    enrol(user=head, passphrase="sandi-kadis-dinsos")
    with django_capture_on_commit_callbacks(execute=True):
        request_signature(actor=head, letter=reply, passphrase="sandi-kadis-dinsos")

    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.FINISHED and submitted.reply == reply
    assert applicant_timeline(submitted)[-1].title == "Selesai: surat balasan terbit"
    assert Notification.objects.filter(
        user=applicant.user, key=f"permohonan:{submitted.pk}:finished"
    ).exists()
    reply_url = reverse("permohonan:reply", args=[submitted.tracking_code])
    client.force_login(applicant.user)
    downloaded = client.get(reply_url)
    assert downloaded["Content-Type"] == "application/pdf"
    assert b"".join(downloaded.streaming_content)[:5] == b"%PDF-"
    client.force_login(make_applicant().user)
    assert client.get(reply_url).status_code == 404, "another applicant never gets the reply"


def test_a_reply_needs_a_letter_the_drafter_may_read(
    submitted, dinsos_operator, chain_outsider, classification
):
    accept(actor=dinsos_operator, submission=submitted)
    submitted.refresh_from_db()
    user, position = chain_outsider
    with pytest.raises(Refused) as refused:
        create_draft(
            actor=user,
            position=position,
            details=DraftDetails(
                letter_type="official_letter",
                subject="Balasan",
                security_class="ordinary",
                urgency="normal",
                classification=classification,
                signer_position=position,
                in_reply_to=submitted.letter,
            ),
            recipients=[RecipientSpec(kind=OutgoingRecipient.Kind.TO, name="Budi")],
            body_html="<p>Isi.</p>",
            reviewers=[],
        )
    assert refused.value.code == "reply_not_visible"


@pytest.fixture
def chain_outsider(opd, make_position, make_user):
    position = make_position(name="Kepala Dinas Kominfos", heads_opd=True)
    return make_user(holds=position), position
