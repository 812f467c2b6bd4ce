"""A 1-D convolution that runs inference on short inputs as one matrix product.

PyTorch sends a single short sequence (batch 1, under 20,480 values, kernel
under 4) past oneDNN to its generic kernels (``slow_conv_dilated2d``,
``slow_conv2d``), which gather every output column with small copies: over a
live stream's window they cost several times their arithmetic. ``Conv1d``
keeps ``nn.Conv1d``'s parameters, state-dict keys and training path; without
gradients it lays the ``kernel`` shifted views of the padded input side by
side and multiplies them by the flattened weights once (the same sums in
another order).
"""

from __future__ import annotations

import torch
from torch import nn


class Conv1d(nn.Conv1d):
    """``nn.Conv1d`` with a matrix-product inference path (zero padding, no groups): ``(B, C, T) -> (B, O, T')``."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if torch.is_grad_enabled() or self.groups != 1 or self.padding_mode != "zeros":
            return super().forward(x)
        (k,), (d,), (s,) = self.kernel_size, self.dilation, self.stride
        span = d * (k - 1)
        if self.padding == "same":
            left, right = span // 2, span - span // 2
        else:
            left = right = self.padding[0]
        frames = (x.shape[-1] + left + right - span - 1) // s + 1
        if frames < 1:  # too short for the kernel: nn.Conv1d's own error
            return super().forward(x)
        x = nn.functional.pad(x, (left, right)).transpose(1, 2)  # (B, T, C)
        columns = torch.cat([x[:, j * d : j * d + (frames - 1) * s + 1 : s] for j in range(k)], dim=2)
        weight = self.weight.permute(0, 2, 1).reshape(self.out_channels, -1)  # (O, k * C), tap-major as columns
        return nn.functional.linear(columns, weight, self.bias).transpose(1, 2)
