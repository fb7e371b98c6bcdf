"""Send the queued mails over SMTP (standard library). A server that is down fails nothing:
the mails stay queued and the next run tries again."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import Engine

from store import uitgaand
from store.settings import SmtpSettings

log = logging.getLogger(__name__)
TIMEOUT = 10


@dataclass(frozen=True)
class Verzending:
    verzonden: int
    mislukt: int
    niet_geconfigureerd: bool = False


def _message(mail: uitgaand.Mail, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, mail.aan, mail.onderwerp
    msg.set_content(mail.tekst)
    return msg


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT)
    if settings.starttls:
        smtp.starttls(context=ssl.create_default_context())
    if settings.user:
        smtp.login(settings.user, settings.password)
    return smtp


def send_pending(engine: Engine, settings: SmtpSettings) -> Verzending:
    mails = uitgaand.pending(engine)
    if not settings.host:
        return Verzending(0, len(mails), niet_geconfigureerd=bool(mails))
    if not mails:
        return Verzending(0, 0)
    try:
        smtp = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("mailserver niet bereikbaar: %s", type(exc).__name__)
        for mail in mails:
            uitgaand.mark(engine, mail.id, f"mailserver niet bereikbaar ({type(exc).__name__})")
        return Verzending(0, len(mails))
    with smtp:
        return _send_all(engine, smtp, mails, settings.sender)


def _send_all(
    engine: Engine, smtp: smtplib.SMTP, mails: list[uitgaand.Mail], sender: str
) -> Verzending:
    sent = 0
    for mail in mails:
        try:
            smtp.send_message(_message(mail, sender))
        except (OSError, smtplib.SMTPException) as exc:
            uitgaand.mark(engine, mail.id, f"verzenden mislukt ({type(exc).__name__})")
            continue
        uitgaand.mark(engine, mail.id, None)
        sent += 1
    return Verzending(sent, len(mails) - sent)
