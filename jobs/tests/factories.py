import factory

from jobs.models import Job, JobStatus
from tenancy.tests.factories import CompanyFactory


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    company = factory.SubFactory(CompanyFactory)
    kind = "platform.health_check"
    status = JobStatus.QUEUED
