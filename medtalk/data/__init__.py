"""Reading datasets: clips, their splits and the EmoFace layout (``clips``), below training and evaluation."""
