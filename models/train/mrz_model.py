"""Small fully convolutional CTC recognizer for MRZ strips (no recurrent layers).

Input  1 x 1 x 32 x 368 (float32, ink ~0, paper ~1)
Backbone downsamples 8x vertically... to 1 x 92 columns (stride 4 in x); temporal convs
(1x5, dilations 1 and 2, residual) add context; the head emits 2 frames per column
(sub-column output) so T = 184 CTC frames (an output stride of 2 px; pitch 8 px = 4
frames per character, enough for runs of '<' even when the line is compressed 20%).
Output 1 x 184 x 38 log-softmax, class 0 = blank.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

NUM_CLASSES = 38
SUB = 2  # frames per column of the stride-4 feature map


def cbr(cin, cout, k, pad, dil=(1, 1)):
    return nn.Sequential(nn.Conv2d(cin, cout, k, padding=pad, dilation=dil, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class MrzNet(nn.Module):
    def __init__(self, c=(16, 32, 48), ct=80):
        super().__init__()
        c1, c2, c3 = c
        self.b1 = cbr(1, c1, 3, 0)            # 32x368 (input padded with 1.0 = paper first)
        self.p1 = nn.MaxPool2d(2, 2)         # 16x184
        self.b2 = cbr(c1, c2, 3, 1)          # 16x184
        self.p2 = nn.MaxPool2d(2, 2)         # 8x92
        self.b3 = cbr(c2, c3, 3, 1)          # 8x92
        self.p3 = nn.MaxPool2d((2, 1), (2, 1))  # 4x92
        self.b4 = cbr(c3, c3, 3, 1)          # 4x92
        self.collapse = cbr(c3, ct, (4, 1), 0)  # 1x92
        self.t1 = cbr(ct, ct, (1, 5), (0, 2))
        self.t2 = cbr(ct, ct, (1, 5), (0, 4), dil=(1, 2))
        self.t3 = cbr(ct, ct, (1, 5), (0, 8), dil=(1, 4))
        self.head = nn.Conv2d(ct, NUM_CLASSES * SUB, 1)

    def features(self, x):
        # pad with paper (1.0), not with 0 (= ink), so the borders do not look like ink
        x = F.pad(x, (1, 1, 1, 1), value=1.0)
        x = self.p1(self.b1(x))
        x = self.p2(self.b2(x))
        x = self.p3(self.b3(x))
        x = self.b4(x)
        x = self.collapse(x)
        x = x + self.t1(x)
        x = x + self.t2(x)
        x = x + self.t3(x)
        return self.head(x)  # N x (SUB*C) x 1 x 92

    def forward(self, x):
        y = self.features(x)
        n, _, _, t = y.shape
        y = y.reshape(n, SUB, NUM_CLASSES, t).permute(0, 3, 1, 2).reshape(n, t * SUB, NUM_CLASSES)
        return F.log_softmax(y, dim=-1)  # N x T x C


def count_macs(model, shape=(1, 1, 32, 368)):
    macs = 0

    def hook(m, i, o):
        nonlocal macs
        if isinstance(m, nn.Conv2d):
            k = m.kernel_size[0] * m.kernel_size[1] * m.in_channels // m.groups
            macs += o.numel() * k
    hs = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        model.eval()(torch.zeros(shape))
    for h in hs:
        h.remove()
    return macs


if __name__ == "__main__":
    m = MrzNet()
    print("params", sum(p.numel() for p in m.parameters()), "macs", count_macs(m))
    print(m(torch.zeros(2, 1, 32, 368)).shape)
