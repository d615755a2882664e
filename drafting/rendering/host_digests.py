"""The daily digest of the news for each host drafter who chose it (`flask notifications send-digest`)."""

from datetime import datetime

from drafting.domain import host_news
from drafting.domain.text import wording
from drafting.extensions import db
from drafting.models import HostNotifications
from drafting.rendering import notifications


def send_digests(until: datetime) -> int:
    """Queue for each digest reader one e-mail listing the news made since their last digest, up to `until`;
    return how many were queued.

    Each reader's digest is committed with the moment it reaches, one reader after the other: a run
    stopped half-way, or a second run, tells nobody twice. Nothing is sent to a reader with no news.
    """
    queued = 0
    for user_id in host_news.digest_readers():
        reader = host_news.digest_reader(user_id)
        if reader is None or reader.host_notifications is not HostNotifications.daily_digest:
            db.session.rollback()
            continue
        digest = host_news.news_for(reader, reader.digest_sent_up_to, until)
        if digest:
            # The letter around the declarations speaks their language when they share one.
            languages = {news.declaration.language for news in digest}
            language = languages.pop() if len(languages) == 1 else wording.SOURCE_LANGUAGE
            subject = wording.gettext(
                language, "Since your last digest: {count} comments, amendments and replies",
                count=sum(len(news.items) for news in digest),
            )
            queued += notifications.notify([reader], subject, "host_digest", digest=digest, language=language)
        host_news.digest_sent(reader, until)
        db.session.commit()
    return queued
