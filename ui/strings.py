"""Every word a member sees, in English and Spanish.

Members answer on the kiosk laptop or their own phone, so everything on those screens comes
from here (the question wording and answer labels come from the instrument's YAML file).
A test checks that both languages have exactly the same keys and placeholders.
"""

from __future__ import annotations

LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}

#: BCP 47 tags for the browser's speech synthesis.
SPEECH_LANGUAGE: dict[str, str] = {"en": "en-US", "es": "es-ES"}

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "language": "Language / Idioma",
        "title": "Today's check-in",
        "intro": "A few short questions about today's group. There are no right or wrong answers.",
        "type_code": "Type your member code",
        "start": "Start",
        "need_code": "Type your member code first.",
        "code_unknown": (
            "The code {code} is not on this group's list. Check it with your facilitator."
        ),
        "already_answered": (
            "The code {code} has already answered in this session. Thank you! "
            "If this is not you, tell your facilitator."
        ),
        "hello": "Hello, {code}",
        "question_of": "Question {number} of {total}",
        "progress": "{answered} of {total} answered",
        "read_to_me": "Read it to me",
        "your_answer": "Your answer now: {label}",
        "no_answer_yet": "No answer yet.",
        "chosen": "chosen",
        "skip": "Skip this question",
        "back": "Back",
        "review_title": "Check your answers",
        "review_intro": "You can change any answer before you send them.",
        "skipped": "Skipped",
        "change": "Change answer {number}",
        "submit": "Send my answers",
        "thanks_title": "Thank you!",
        "thanks_body": "Your answers are saved.",
        "thanks_phone": "You can close this page now.",
        "next_person": "Next person",
        "kiosk_resets": "This screen starts again for the next person in a few seconds.",
        "session_closed": (
            "This session is closed or the session code is not right. "
            "Ask your facilitator for the link or the code."
        ),
        "code_expired": (
            "This session code has expired. Ask your facilitator to open the session again."
        ),
        "too_many_tries": (
            "Too many codes were tried from this device. Wait {minutes} minute(s) and ask "
            "your facilitator for the code on the screen."
        ),
        "busy": (
            "Too many wrong codes were tried in the last few minutes. Wait {minutes} "
            "minute(s) and try again."
        ),
        "save_failed": "Your answers could not be saved. Please tell your facilitator.",
        "facilitator_only": "For the facilitator",
        "leave_kiosk": "Leave kiosk mode",
        "pin": "Facilitator PIN",
        "pin_wrong": "That PIN is not right.",
        "pin_locked": "Too many wrong PINs. Wait {seconds} seconds and try again.",
        "about_me_button": "About me: answer again or remove my answers",
        "about_question_of": "About me: question {number} of {total}",
        "about_next": "Next",
        "about_again": "Answer the about-me questions again",
        "about_again_intro": (
            "Your new answers count from today. You can also remove every answer you gave."
        ),
        "about_remove": "Remove all my about-me answers",
        "about_remove_sure": "Yes, remove them",
        "about_remove_ask": "Remove every about-me answer you gave? This cannot be undone.",
        "about_removed": "Your about-me answers are removed.",
        "about_saved": "Your about-me answers are saved.",
        "about_none": "This group asks no about-me questions.",
        "rr_name_title": "Your name for the group",
        "rr_name_intro": (
            "Others in your group will see this name when they say how connected they felt "
            "with you. Use a first name or a nickname, not your member code."
        ),
        "rr_name_label": "Name others will see",
        "rr_may_rate": "Others may say how connected they felt with me",
        "rr_name_save": "Save my name",
        "rr_name_problem": "That name cannot be used. Please try another one.",
        "rr_title": "Today, how connected did you feel with each person?",
        "rr_intro": "Nobody else sees your answers. You can skip anyone.",
        "rr_send": "Send",
    },
    "es": {
        "language": "Language / Idioma",
        "title": "Encuesta de hoy",
        "intro": "Unas preguntas cortas sobre el grupo de hoy. No hay respuestas buenas ni malas.",
        "type_code": "Escribe tu código de participante",
        "start": "Empezar",
        "need_code": "Primero escribe tu código de participante.",
        "code_unknown": (
            "El código {code} no está en la lista de este grupo. "
            "Revísalo con la persona que facilita el grupo."
        ),
        "already_answered": (
            "El código {code} ya respondió en esta sesión. ¡Gracias! "
            "Si no eres tú, díselo a la persona que facilita el grupo."
        ),
        "hello": "Hola, {code}",
        "question_of": "Pregunta {number} de {total}",
        "progress": "{answered} de {total} respondidas",
        "read_to_me": "Léemelo",
        "your_answer": "Tu respuesta ahora: {label}",
        "no_answer_yet": "Todavía sin respuesta.",
        "chosen": "elegida",
        "skip": "Saltar esta pregunta",
        "back": "Atrás",
        "review_title": "Revisa tus respuestas",
        "review_intro": "Puedes cambiar cualquier respuesta antes de enviarlas.",
        "skipped": "Sin responder",
        "change": "Cambiar la respuesta {number}",
        "submit": "Enviar mis respuestas",
        "thanks_title": "¡Gracias!",
        "thanks_body": "Tus respuestas están guardadas.",
        "thanks_phone": "Ya puedes cerrar esta página.",
        "next_person": "Siguiente persona",
        "kiosk_resets": (
            "Esta pantalla vuelve a empezar para la siguiente persona en unos segundos."
        ),
        "session_closed": (
            "Esta sesión está cerrada o el código de sesión no es correcto. "
            "Pide el enlace o el código a la persona que facilita el grupo."
        ),
        "code_expired": (
            "Este código de sesión ha caducado. Pide a la persona que facilita el grupo que "
            "abra la sesión otra vez."
        ),
        "too_many_tries": (
            "Se probaron demasiados códigos desde este aparato. Espera {minutes} minuto(s) y "
            "pide el código que aparece en la pantalla."
        ),
        "busy": (
            "Se probaron demasiados códigos incorrectos en los últimos minutos. Espera "
            "{minutes} minuto(s) y vuelve a intentarlo."
        ),
        "save_failed": (
            "No se pudieron guardar tus respuestas. "
            "Por favor, avisa a la persona que facilita el grupo."
        ),
        "facilitator_only": "Para la persona que facilita",
        "leave_kiosk": "Salir del modo quiosco",
        "pin": "PIN de la persona que facilita",
        "pin_wrong": "Ese PIN no es correcto.",
        "pin_locked": (
            "Demasiados PIN incorrectos. Espera {seconds} segundos y vuelve a intentarlo."
        ),
        "about_me_button": "Sobre mí: responder otra vez o borrar mis respuestas",
        "about_question_of": "Sobre mí: pregunta {number} de {total}",
        "about_next": "Siguiente",
        "about_again": "Responder otra vez las preguntas sobre mí",
        "about_again_intro": (
            "Tus nuevas respuestas cuentan desde hoy. También puedes borrar todas tus respuestas."
        ),
        "about_remove": "Borrar todas mis respuestas sobre mí",
        "about_remove_sure": "Sí, borrarlas",
        "about_remove_ask": "¿Borrar todas tus respuestas sobre ti? No se puede deshacer.",
        "about_removed": "Tus respuestas sobre ti están borradas.",
        "about_saved": "Tus respuestas sobre ti están guardadas.",
        "about_none": "Este grupo no hace preguntas sobre ti.",
        "rr_name_title": "Tu nombre para el grupo",
        "rr_name_intro": (
            "Las demás personas del grupo verán este nombre cuando digan qué tan conectadas "
            "se sintieron contigo. Usa tu nombre o un apodo, no tu código de participante."
        ),
        "rr_name_label": "Nombre que verán los demás",
        "rr_may_rate": "Los demás pueden decir qué tan conectados se sintieron conmigo",
        "rr_name_save": "Guardar mi nombre",
        "rr_name_problem": "Ese nombre no se puede usar. Por favor, prueba otro.",
        "rr_title": "Hoy, ¿qué tan conectado o conectada te sentiste con cada persona?",
        "rr_intro": "Nadie más ve tus respuestas. Puedes saltar a quien quieras.",
        "rr_send": "Enviar",
    },
}


def text(key: str, language: str, **values: object) -> str:
    """The member-facing string `key` in `language` ("en" or "es"), with `values` filled in.

    An unknown language falls back to English, so a bad URL or state never blanks the form.
    """
    strings = STRINGS.get(language, STRINGS["en"])
    return strings[key].format(**values) if values else strings[key]
