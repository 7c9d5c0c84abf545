import pytest

from speechdraft.library.defaults import load_defaults
from speechdraft.library.models import Block, CorpusDocument, SpeechTemplate

pytestmark = pytest.mark.django_db


def test_defaults_give_two_documents_two_templates_and_blocks_with_provenance():
    load_defaults()
    assert CorpusDocument.objects.count() == 2
    names = set(SpeechTemplate.objects.values_list("name", flat=True))
    assert names == {"代表座谈会讲话", "人大代表培训班讲话"}
    training = SpeechTemplate.objects.get(name="人大代表培训班讲话")
    roles = list(training.slots.values_list("role", flat=True))
    assert roles == ["salutation", "opening", "part", "part", "part", "closing"]
    assert training.slots.get(order=0).default_text == "各位代表："
    assert all(s.guidance for s in training.slots.all())
    part_slots = training.slots.filter(role="part")
    assert all(s.suggested_block_id for s in part_slots)
    block = part_slots.first().suggested_block
    assert block.source_document == training.source_document
    assert block.body == training.source_document.text[block.source_start : block.source_end]
    assert block.body.startswith("一、提高认识")
    assert block.category is not None
    # Sub-points that stand alone become blocks of their own.
    assert Block.objects.filter(title__startswith="要深刻认识人大代表").exists()


def test_loading_defaults_twice_creates_nothing_new():
    first = load_defaults()
    counts = (CorpusDocument.objects.count(), SpeechTemplate.objects.count(), Block.objects.count())
    second = load_defaults()
    assert first["templates"] == 2 and first["documents"] == 2 and first["blocks"] > 0
    assert second == {"documents": 0, "templates": 0, "blocks": 0}
    assert counts == (CorpusDocument.objects.count(), SpeechTemplate.objects.count(), Block.objects.count())


def test_ensure_admin_creates_one_manager_once(capsys):
    from django.contrib.auth.models import User
    from django.core.management import call_command

    call_command("ensure_admin")
    out = capsys.readouterr().out
    assert "用户名：admin" in out and "密码：" in out
    password = out.split("密码：")[1].split()[0]
    user = User.objects.get(username="admin")
    assert user.check_password(password)
    assert user.groups.filter(name="管理员").exists()
    call_command("ensure_admin")
    assert capsys.readouterr().out == ""
    assert User.objects.count() == 1


def test_templates_made_before_parts_had_examples_are_upgraded_in_place(db):
    """The data migration keeps an old template's suggested text as 参考范文, without duplicating it."""
    import importlib

    from django.apps import apps

    from speechdraft.library.models import SpeechTemplate, TemplateSlot
    from tests.conftest import make_block

    migration = importlib.import_module("speechdraft.library.migrations.0004_template_parts_with_examples")
    block = make_block(body="一、提高认识，增强责任感。宪法规定，一切权力属于人民。")
    template = SpeechTemplate.objects.create(name="旧模板", kind="培训班")
    TemplateSlot.objects.create(
        template=template, order=0, role="part", title="一、提高认识", suggested_block=block
    )
    migration.examples_from_suggested_blocks(apps, None)
    slot = template.slots.get()
    assert slot.example_text == block.body and slot.heading_pattern == "一、提高认识"
    assert SpeechTemplate.objects.filter(name="旧模板").count() == 1
