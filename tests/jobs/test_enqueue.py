import pytest
from django.db import transaction

from lers.jobs.models import Job
from lers.jobs.services import job_enqueue


@pytest.mark.django_db
def test_job_enqueued_in_a_rolled_back_transaction_does_not_exist():
    with pytest.raises(RuntimeError), transaction.atomic():
        job_enqueue(name="test.ok", payload={"case": 1})
        raise RuntimeError("the change failed")
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_job_enqueued_in_a_committed_transaction_is_queued():
    with transaction.atomic():
        job = job_enqueue(name="test.ok", payload={"case": 1})
    stored = Job.objects.get()
    assert stored.pk == job.pk
    assert (stored.name, stored.payload, stored.status) == ("test.ok", {"case": 1}, "queued")
    assert stored.max_attempts == 5


@pytest.mark.django_db
def test_max_attempts_comes_from_the_handler():
    assert job_enqueue(name="test.fail").max_attempts == 3


@pytest.mark.django_db
def test_same_key_twice_returns_the_existing_job():
    first = job_enqueue(name="test.ok", payload={"n": 1}, key="notify-42")
    second = job_enqueue(name="test.ok", payload={"n": 2}, key="notify-42")
    assert second.pk == first.pk
    assert Job.objects.get().payload == {"n": 1}


@pytest.mark.django_db
def test_duplicate_key_leaves_the_callers_transaction_usable():
    with transaction.atomic():
        job_enqueue(name="test.ok", key="k")
        job_enqueue(name="test.ok", key="k")
        job_enqueue(name="test.ok", key="other")
    assert Job.objects.count() == 2


@pytest.mark.django_db
def test_unknown_job_name_is_refused_at_enqueue():
    with pytest.raises(ValueError, match=r"test\.nobody"):
        job_enqueue(name="test.nobody")
    assert not Job.objects.exists()
