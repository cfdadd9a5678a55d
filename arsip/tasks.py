"""Thin tasks of the archive: load by id, call a service, safe to run twice."""

from celery import shared_task

from kantor_virtual.files import private_storage


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=8)
def carry_out_proposal(proposal_id: int) -> bool:
    from arsip.services.proposals import carry_out  # here: the services import this module

    return carry_out(proposal_id=proposal_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=8)
def delete_stored_files(names: list[str]) -> int:
    """Remove the files of destroyed records; every letter file lives in the private storage. A name
    already gone is skipped, so a retried run finishes the rest."""
    for name in names:
        private_storage.delete(name)
    return len(names)


@shared_task(acks_late=True)
def remind_overdue_loans() -> int:
    """Daily (beat, 07:00 office time); the reminder keys make a second run that day a no-op."""
    from arsip.services.loans import remind_overdue_loans as remind

    return remind()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=6)
def prepare_download(download_id: int) -> bool:
    """The daftar arsip PDF or a berkas zip someone asked for (arsip.downloads)."""
    from arsip.downloads import prepare_download as prepare  # here: the downloads module imports this one

    return prepare(download_id=download_id)
