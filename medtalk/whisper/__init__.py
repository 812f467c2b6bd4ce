"""Whisper (CTranslate2, through faster-whisper): the installed models and automatic transcription."""
