"""Image guidance: reference face, descriptor invariance, the face model and its inverse, real photos."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from medtalk.errors import MedtalkError
from medtalk.guidance import mesh
from medtalk.guidance.descriptor import DESCRIPTOR_DIM, expression_descriptor
from medtalk.guidance.face_model import fit_pose, synth_descriptors, synth_landmarks
from medtalk.guidance.landmarks import NUM_LANDMARKS, face_landmarks
from medtalk.guidance.reference import derive_neutral_face, mirror_index, neutral_face
from medtalk.rig import REST_POSE, RANGE_HI, RANGE_LO, index
from medtalk.synth.poses import pose

PHOTO = "real/ravdess_01-01-03-02-01-01-24.png"
SMILE = REST_POSE + pose({"mouth_cornerPull": 0.7, "eye_cheekRaise": 0.6})
BROWS_UP = REST_POSE + pose({"brow_raiseIn": 0.7, "brow_raiseOut": 0.7})
JAW_OPEN = REST_POSE + pose({"C_jaw": 0.5})


def both(values: np.ndarray, name: str) -> np.ndarray:
    """The L and R values of a sided control (short name, e.g. ``mouth_cornerPull``)."""
    return np.array([values[index(f"CTRL_{side}_{name}-translateY")] for side in "LR"])


def test_reference_is_a_symmetric_face_in_the_face_frame() -> None:
    face = neutral_face()
    assert face.shape == (NUM_LANDMARKS, 3)
    right = face[[mesh.EYE_OUTER["R"], mesh.EYE_INNER["R"]]].mean(0)
    left = face[[mesh.EYE_OUTER["L"], mesh.EYE_INNER["L"]]].mean(0)
    np.testing.assert_allclose(left - right, [1, 0, 0], atol=1e-3)
    mirrored = face[mirror_index()] * [-1, 1, 1]
    np.testing.assert_allclose(mirrored, face, atol=1e-5)
    # anatomy the descriptor relies on: brows over lids over the nose over the lips over the chin
    y = face[:, 1]
    for side in "LR":
        assert y[list(mesh.BROW_INNER[side])].min() > y[list(mesh.UPPER_LID[side])].max()
        assert y[list(mesh.UPPER_LID[side])].min() > y[list(mesh.LOWER_LID[side])].max()
        assert np.sign(face[mesh.MOUTH_CORNER[side], 0]) == (1 if side == "L" else -1)
    assert y[mesh.NOSE_TIP] > y[mesh.UPPER_LIP_TOP] > y[mesh.LOWER_LIP_BOTTOM] > y[mesh.CHIN]


def test_shipped_reference_matches_a_fresh_derivation() -> None:
    np.testing.assert_allclose(derive_neutral_face(), neutral_face(), atol=0.01)


def test_descriptor_is_invariant_to_head_pose_position_and_scale() -> None:
    rng = np.random.default_rng(0)
    for values in (SMILE, BROWS_UP, JAW_OPEN):
        posed = [expression_descriptor(synth_landmarks(values, rng, identity=False, noise=False)) for _ in range(10)]
        upright = expression_descriptor(synth_landmarks(values, rng, pose=False, identity=False, noise=False))
        assert np.abs(np.array(posed) - upright).max() < 1e-3
    assert np.abs(expression_descriptor(synth_landmarks(REST_POSE, rng, identity=False, noise=False))).max() < 1e-3


def test_same_expression_under_pose_and_noise_is_closer_than_another_expression() -> None:
    rng = np.random.default_rng(1)
    expressions = (REST_POSE, SMILE, BROWS_UP, JAW_OPEN)
    samples = [synth_descriptors(np.tile(v, (12, 1)), rng, identity=False) for v in expressions]
    assert samples[0].shape == (12, DESCRIPTOR_DIM)
    centres = [s.mean(0) for s in samples]
    spread = np.mean([np.linalg.norm(s - c, axis=1).mean() for s, c in zip(samples, centres)])
    gaps = [np.linalg.norm(a - b) for i, a in enumerate(centres) for b in centres[i + 1:]]
    assert min(gaps) > 3 * spread


@pytest.mark.parametrize("values, controls", [
    (SMILE, ("mouth_cornerPull", "eye_cheekRaise")),
    (BROWS_UP, ("brow_raiseIn", "brow_raiseOut")),
])
def test_fit_pose_recovers_sided_actions(values: np.ndarray, controls: tuple[str, ...]) -> None:
    """Over random head poses, identities and noise: the action is on in every draw, well above neutral faces."""
    rng = np.random.default_rng(2)
    posed = np.array([fit_pose(synth_landmarks(values, rng)) for _ in range(6)])
    neutral = np.array([fit_pose(synth_landmarks(REST_POSE, rng)) for _ in range(6)])

    def amount(fits: np.ndarray, name: str) -> np.ndarray:  # (draws,) mean of the L and R values
        return np.array([both(f, name).mean() for f in fits])

    assert sum(amount(posed, name) for name in controls).min() > 0.3
    for name in controls:
        assert amount(posed, name).mean() > amount(neutral, name).mean() + 0.2, name


def test_fit_pose_recovers_jaw_open_and_stays_in_range() -> None:
    rng = np.random.default_rng(3)
    jaw = index("CTRL_C_jaw-translateY")
    for _ in range(4):
        fitted = fit_pose(synth_landmarks(JAW_OPEN, rng))
        assert abs(fitted[jaw] - 0.5) < 0.15
        assert (fitted >= RANGE_LO).all() and (fitted <= RANGE_HI).all()
        assert fit_pose(synth_landmarks(REST_POSE, rng))[jaw] < 0.1


def test_fit_pose_explains_a_pose_by_the_controls_that_made_it() -> None:
    rng = np.random.default_rng(4)
    for values in (SMILE, BROWS_UP, JAW_OPEN):
        fitted = fit_pose(synth_landmarks(values, rng, identity=False, noise=False))
        posed = np.flatnonzero(values != REST_POSE)
        largest = np.argsort(-np.abs(fitted - REST_POSE))[: len(posed)]
        assert set(largest) == set(posed)
        others = np.setdiff1d(np.arange(len(values)), posed)
        assert np.abs(fitted[others] - REST_POSE[others]).max() < 0.05


def test_bad_landmarks_are_one_line_errors() -> None:
    with pytest.raises(MedtalkError, match="landmarks"):
        expression_descriptor(np.zeros((10, 3)))
    bad = synth_landmarks(REST_POSE, np.random.default_rng(0))
    bad[5, 0] = np.nan
    with pytest.raises(MedtalkError, match="NaN"):
        fit_pose(bad)


def test_real_smiling_photo(reference: Path) -> None:
    landmarks = face_landmarks(reference / PHOTO)
    assert landmarks.shape == (NUM_LANDMARKS, 3)
    fitted = fit_pose(landmarks)
    assert both(fitted, "mouth_cornerPull").min() > 0.3
    assert both(fitted, "eye_cheekRaise").mean() > 0.05
    assert np.linalg.norm(expression_descriptor(landmarks)) > 2.0


def test_photo_without_a_face_or_not_an_image(tmp_path: Path) -> None:
    ramp = np.linspace(0, 255, 320, dtype=np.uint8)
    gradient = np.stack(np.broadcast_arrays(ramp[None, :], ramp[:, None], ramp[None, ::-1]), axis=-1)
    Image.fromarray(gradient.astype(np.uint8)).save(tmp_path / "gradient.png")
    with pytest.raises(MedtalkError, match="no face found"):
        face_landmarks(tmp_path / "gradient.png")
    (tmp_path / "notes.png").write_text("not a picture")
    with pytest.raises(MedtalkError, match="cannot read"):
        face_landmarks(tmp_path / "notes.png")
    with pytest.raises(MedtalkError, match="no such"):
        face_landmarks(tmp_path / "missing.jpg")


@pytest.mark.parametrize("degrees, how", [(180, "upside down"), (90, "a quarter turn anticlockwise"),
                                          (270, "a quarter turn clockwise"), (135, "upside down")])
def test_a_turned_face_is_a_one_line_error(reference: Path, tmp_path: Path, degrees: int, how: str) -> None:
    turned = tmp_path / "turned.png"
    Image.open(reference / PHOTO).rotate(degrees, expand=True).save(turned)
    with pytest.raises(MedtalkError, match=f"the face looks {how}; turn the photo upright"):
        face_landmarks(turned)


@pytest.mark.parametrize("degrees", [0, 20, -20])
def test_an_upright_or_tilted_face_is_read(reference: Path, tmp_path: Path, degrees: int) -> None:
    tilted = tmp_path / "tilted.png"
    Image.open(reference / PHOTO).rotate(degrees, expand=True).save(tilted)
    assert face_landmarks(tilted).shape == (NUM_LANDMARKS, 3)
