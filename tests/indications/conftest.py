import pytest

from tests.factories import PostcodeAreaFactory, TeamFactory


@pytest.fixture
def beijum(db):
    team = TeamFactory(name="WIJ Beijum")
    PostcodeAreaFactory(digits="9735", team=team)
    return team


@pytest.fixture
def intake_worker(intake_worker, beijum):
    from intake.models import TeamMember

    TeamMember.objects.create(user=intake_worker, team=beijum)
    return intake_worker


@pytest.fixture
def team_lead(team_lead, beijum):
    from intake.models import TeamMember

    TeamMember.objects.create(user=team_lead, team=beijum)
    return team_lead
