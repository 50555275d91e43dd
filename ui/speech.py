"""The "Read it to me" button: the browser's own speech synthesis reads a question aloud.

Speech comes from the Web Speech API (``window.speechSynthesis``) of the member's browser,
with the operating system's voices, so it works offline. The button is a Streamlit
components-v2 element (components.v1.html is deprecated and cannot report back): the click
both speaks, inside the browser's user gesture as browsers require, and tells Python that the
question was read aloud, so the administration is stored with mode "read aloud".
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

# A speaker drawn in SVG: an emoji may be missing from the device's fonts.
_HTML = (
    '<button type="button" class="speak">'
    '<svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="24" height="24">'
    '<path fill="currentColor" d="M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 '
    '0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z"/></svg>'
    "<span></span></button>"
)

_CSS = """
.speak {
  font: inherit;
  font-size: 1.15rem;
  font-weight: 600;
  color: #1f2937;
  background: #ffffff;
  border: 2px solid #1f2937;
  border-radius: 0.5rem;
  padding: 0.6rem 1.1rem;
  min-height: 48px;
  cursor: pointer;
  display: inline-flex;
  align-items: center;
  gap: 0.5rem;
}
.speak:hover { background: #f3f4f6; }
.speak:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
"""

_JS = """
export default function (component) {
  const { parentElement, data, setTriggerValue } = component;
  const button = parentElement.querySelector("button.speak");
  button.querySelector("span:last-child").textContent = data.label;
  button.setAttribute("lang", data.lang);
  button.onclick = () => {
    const synth = window.speechSynthesis;
    if (synth) {
      synth.cancel();
      const utterance = new SpeechSynthesisUtterance(data.text);
      utterance.lang = data.lang;
      utterance.rate = 0.9;
      const prefix = data.lang.slice(0, 2);
      const voice = synth.getVoices().find((v) => v.lang.replace("_", "-").startsWith(prefix));
      if (voice) utterance.voice = voice;
      synth.speak(utterance);
    }
    setTriggerValue("read", data.text);
  };
}
"""

_speak_button = st.components.v2.component("mutuality_read_aloud", html=_HTML, css=_CSS, js=_JS)


def spoken_text(question: str, labels: list[str], values: list[float]) -> str:
    """What the button says: the question, then each answer with its number."""
    answers = ". ".join(f"{value:g}: {label}" for value, label in zip(values, labels, strict=True))
    return f"{question}. {answers}."


def read_aloud_button(
    text: str, *, label: str, lang: str, key: str, on_read: Callable[[], None]
) -> None:
    """Show a "Read it to me" button that speaks `text` in `lang` (``en-US``, ``es-ES``).

    `on_read` runs in Python each time the member presses it.
    """
    _speak_button(
        key=key,
        data={"text": text, "label": label, "lang": lang},
        on_read_change=on_read,
        height="content",
    )
