#!/usr/bin/python3
"""Writes the reference arrays the caffe.io tests compare against.

Run with Debian 12's python3-numpy 1.24, python3-scipy 1.10 and python3-skimage 0.19
(`/usr/bin/python3 make_reference.py` in this folder). The functions below restate what
pycaffe's caffe.io does (resize_image, oversample, Transformer.preprocess/deprocess, the
resized-mean patch of set_mean) on top of skimage.transform.resize and scipy.ndimage.zoom,
which are the libraries whose numbers Caffe.Net reproduces.
"""
import numpy as np
from scipy.ndimage import zoom
from skimage.transform import resize

rng = np.random.RandomState(1701)


def caffe_resize(im, dims, order=1):
    # pycaffe: 1- or 3-channel images go through skimage in [0, 1]; others through ndimage.zoom.
    if im.shape[-1] in (1, 3):
        lo, hi = im.min(), im.max()
        if hi <= lo:
            return np.full((dims[0], dims[1], im.shape[-1]), lo, dtype=np.float32)
        unit = (im - lo) / (hi - lo)
        out = resize(unit, dims, order=order) * (hi - lo) + lo
    else:
        factors = tuple(np.array(dims, dtype=float) / np.array(im.shape[:2]))
        out = zoom(im, factors + (1,), order=order)
    return out.astype(np.float32)


def save(name, arr):
    np.save(name + '.npy', np.ascontiguousarray(arr, dtype=np.float32))


cases = {
    'up_rgb': (rng.rand(7, 9, 3).astype(np.float32), (12, 14), 1),
    'down_rgb': (rng.rand(12, 10, 3).astype(np.float32), (5, 4), 1),
    'mixed_gray': (rng.rand(8, 6, 1).astype(np.float32), (8, 11), 1),
    'down_nearest': (rng.rand(10, 10, 3).astype(np.float32), (4, 7), 0),
    'up_nearest': (rng.rand(3, 4, 1).astype(np.float32), (7, 9), 0),
    'range255': ((rng.rand(6, 5, 3) * 255 - 20).astype(np.float32), (9, 4), 1),
    'zoom_two_channels': (rng.rand(6, 5, 2).astype(np.float32), (9, 3), 1),
    'zoom_four_nearest': (rng.rand(5, 6, 4).astype(np.float32), (3, 8), 0),
}
for name, (im, dims, order) in cases.items():
    save('resize_%s_in' % name, im)
    save('resize_%s_out' % name, caffe_resize(im, dims, order))

# Oversample: 4 corners, center, then the same five mirrored left-right.
images = rng.rand(2, 10, 12, 3).astype(np.float32)
crop = np.array([6, 7])
h, w = images.shape[1:3]
boxes = [(0, 0), (0, w - crop[1]), (h - crop[0], 0), (h - crop[0], w - crop[1])]
center = np.array([h, w]) / 2.0 - crop / 2.0
boxes.append(tuple(center.astype(int)))
crops = []
for im in images:
    five = [im[y:y + crop[0], x:x + crop[1], :] for y, x in boxes]
    crops += five + [c[:, ::-1, :] for c in five]
save('oversample_in', images)
save('oversample_out', np.stack(crops))

# Transformer: image H'xW'xK -> resize -> transpose (2,0,1) -> channel swap (2,1,0)
# -> *raw_scale -> -mean -> *input_scale, and back.
image = rng.rand(9, 11, 3).astype(np.float32)
mean = np.array([104.0, 117.0, 123.0], dtype=np.float32)
x = caffe_resize(image, (6, 7))
x = x.transpose(2, 0, 1)[[2, 1, 0], :, :] * 255.0
x = (x - mean[:, None, None]) * 0.5
save('transformer_image', image)
save('transformer_pre', x)
back = x / 0.5 + mean[:, None, None]
back = back / 255.0
back = back[np.argsort([2, 1, 0]), :, :].transpose(np.argsort([2, 0, 1]))
save('transformer_de', back)

# A full K x H x W mean of another spatial size, resized as the widespread set_mean patch does.
full_mean = (rng.rand(3, 8, 10) * 100 + 50).astype(np.float32)
lo, hi = full_mean.min(), full_mean.max()
resized_mean = caffe_resize(((full_mean - lo) / (hi - lo)).transpose(1, 2, 0), (5, 6)).transpose(2, 0, 1) * (hi - lo) + lo
save('mean_full_in', full_mean)
save('mean_full_resized', resized_mean)

# .npy variants numpy writes: float64 Fortran order in format 2.0, uint8, big-endian float32.
f64 = np.asfortranarray(np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 8 - 1)
with open('npy_f8_fortran_v2.npy', 'wb') as f:
    np.lib.format.write_array(f, f64, version=(2, 0))
np.save('npy_u1.npy', np.arange(0, 250, 10, dtype=np.uint8).reshape(5, 5))
np.save('npy_f4_big.npy', (np.arange(6, dtype='>f4') * 1.5).reshape(3, 2))

# Classifier.predict on a net "Input 1x3x4x4 -> Flatten -> Softmax": image_dims (8, 10), crops 4x4,
# preprocess = transpose (2,0,1), channel swap (2,1,0), raw scale 255, mean per channel, input scale 0.01.
def preprocess(im, in_dims, mean, raw=255.0, scale=0.01, swap=(2, 1, 0)):
    if im.shape[:2] != in_dims:
        im = caffe_resize(im, in_dims)
    x = im.transpose(2, 0, 1)[list(swap), :, :] * raw
    return (x - mean[:, None, None]) * scale


def softmax_rows(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


cls_images = [rng.rand(9, 11, 3).astype(np.float32), rng.rand(7, 6, 3).astype(np.float32)]
cls_mean = np.array([104.0, 117.0, 123.0], dtype=np.float32)
resized = np.stack([caffe_resize(im, (8, 10)) for im in cls_images])
for name, crops in (('oversample', None), ('center', None)):
    if name == 'oversample':
        h, w = 8, 10
        boxes = [(0, 0), (0, w - 4), (h - 4, 0), (h - 4, w - 4), (int(h / 2.0 - 2), int(w / 2.0 - 2))]
        crops = []
        for im in resized:
            five = [im[y:y + 4, x:x + 4, :] for y, x in boxes]
            crops += five + [c[:, ::-1, :] for c in five]
    else:
        crops = [im[2:6, 3:7, :] for im in resized]
    batch = np.stack([preprocess(c, (4, 4), cls_mean) for c in crops]).astype(np.float32)
    probs = softmax_rows(batch.reshape(len(crops), -1).astype(np.float64)).astype(np.float32)
    if name == 'oversample':
        probs = probs.reshape(len(cls_images), 10, -1).mean(1)
    save('classifier_%s' % name, probs)
for i, im in enumerate(cls_images):
    save('classifier_image%d' % i, im)

# Detector.crop with context_pad 2 on a 12x10 image for a 6x6 input (R-CNN's padded crop, mean-filled).
det_image = rng.rand(12, 10, 3).astype(np.float32)
save('detector_image', det_image)
crop_size, pad = 6, 2
crop_mean = (cls_mean / 255.0)[[2, 1, 0]]  # the mean in image space: channel order undone, raw scale undone


def py2_round(v):
    return float(np.floor(v + 0.5)) if v >= 0 else -float(np.floor(-v + 0.5))


for index, window in enumerate([(2, 3, 7, 8), (0, 0, 5, 4), (8, 5, 11, 9)]):
    box = np.array(window, dtype=float)
    scale = crop_size / (1. * crop_size - pad * 2)
    half_h = (box[2] - box[0] + 1) / 2.
    half_w = (box[3] - box[1] + 1) / 2.
    center = (box[0] + half_h, box[1] + half_w)
    box = np.round(np.tile(center, 2) + scale * np.array((-half_h, -half_w, half_h, half_w)))
    scale_h = crop_size / (box[2] - box[0] + 1)
    scale_w = crop_size / (box[3] - box[1] + 1)
    pad_y = int(py2_round(max(0, -box[0]) * scale_h))
    pad_x = int(py2_round(max(0, -box[1]) * scale_w))
    im_h, im_w = det_image.shape[:2]
    box = np.clip(box, 0., [im_h, im_w, im_h, im_w])
    crop_h = int(py2_round((box[2] - box[0] + 1) * scale_h))
    crop_w = int(py2_round((box[3] - box[1] + 1) * scale_w))
    crop_h = min(crop_h, crop_size - pad_y)
    crop_w = min(crop_w, crop_size - pad_x)
    b = box.astype(int)
    context = caffe_resize(det_image[b[0]:b[2], b[1]:b[3]], (crop_h, crop_w))
    out = np.ones((crop_size, crop_size, 3), dtype=np.float32) * crop_mean
    out[pad_y:pad_y + crop_h, pad_x:pad_x + crop_w] = context
    save('detector_crop%d' % index, out)
