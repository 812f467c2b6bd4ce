"""Whisper on CTranslate2: the installed models, the log-mel, the tokens and automatic transcription."""
