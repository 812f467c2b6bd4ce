"""How long automatic transcription alone takes on 60 s of speech: import, model load, transcription.

Run: .venv/bin/python benchmarks/transcribe_speed.py [--model default|base|tiny.en|DIR] [--seconds 60] [--repeats 3]
Prints, from a fresh interpreter (so the import is paid as a user pays it),
the wall and CPU time (user + sys over all threads: the machine is shared, and
CPU time over the 2 cores bounds what idle cores would take) of
1. importing ``medtalk.whisper.transcribe``;
2. loading the Whisper model (``load_whisper``; the base model already joined; ``default``, the
   pairing ``medtalk animate`` uses, loads base and tiny.en);
3. transcribing ``--seconds`` of speech, the first call and the best of ``--repeats``;
4. the same with the phones placed as ``animate`` places them (``medtalk.hearing.hear``:
   in English, each window's words aligned while Whisper goes on), the best of ``--repeats``;
and what was heard (language, word count), so a faster run that hears less shows.
Speech is jfk.flac looped when the reference folder is present, else espeak-ng.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from _common import JFK

CHILD = """
import json, resource, time

def now():  # CPU of this process and of its ended children (the helper process placing phones)
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return time.perf_counter(), sum(u.ru_utime + u.ru_stime for u in usage)

def since(mark):
    wall, cpu = now()
    return [wall - mark[0], cpu - mark[1]]

import numpy as np
from medtalk.audio import load_audio
from medtalk.synth.speech import synthesize
jfk = {jfk!r}
clip = load_audio(jfk) if jfk else synthesize("ask not what your country can do for you".split()).audio
wave = np.resize(clip, int({seconds} * 16000)).astype(np.float32)
out = {{}}
mark = now()
from medtalk.whisper.models import load_whisper, model_dir
from medtalk.whisper.transcribe import WhisperOptions, transcribe
out["import"] = since(mark)
options = WhisperOptions(None if {model!r} == "default" else {model!r})
model_dir(options.models()[0])  # join the base model now, so the load below is the load alone
mark = now()
for model in options.models():
    load_whisper(model)
out["load"] = since(mark)
runs = []
for _ in range({repeats}):
    mark = now()
    heard = transcribe(wave, options)
    runs.append(since(mark))
out["first"], out["best"] = runs[0], min(runs)
from medtalk.hearing import hear
runs = []
for _ in range({repeats}):
    mark = now()
    hear(wave, options)
    runs.append(since(mark))
out["hear"] = min(runs)
out["heard"] = [heard.language, len(heard.words), round(heard.confidence, 3), heard.model]
print(json.dumps(out))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default", help="installed name or CTranslate2 folder, or default "
                        "(base detects the language, tiny.en transcribes English; the default)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    code = CHILD.format(jfk=str(JFK) if JFK.is_file() else "", seconds=args.seconds, model=args.model,
                        repeats=args.repeats)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(result.stderr.strip().splitlines()[-1])
    out = json.loads(result.stdout.strip().splitlines()[-1])
    speech = "jfk.flac looped" if JFK.is_file() else "espeak-ng"
    print(f"Whisper {args.model}, {args.seconds:.0f} s of speech ({speech}), one fresh process:")
    for key, label in [("import", "import medtalk.whisper.transcribe"), ("load", "load the model"),
                       ("first", "transcribe, first call"), ("best", f"transcribe, best of {args.repeats}"),
                       ("hear", f"and place the phones, best of {args.repeats}")]:
        wall, cpu = out[key]
        print(f"   {label:36} {wall:6.2f} s wall {cpu:6.2f} s CPU")
    language, words, confidence, model = out["heard"]
    print(f"   heard: {language}, {words} words, mean word probability {confidence}, transcribed by {model}")


if __name__ == "__main__":
    main()
