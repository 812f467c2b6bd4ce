"""Training MEDTalk: EmoFace-layout data, the stages as data, one resumable loop."""
