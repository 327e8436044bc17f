import numpy as np
import pytest

from skbimt._engine.geometry import (
    Geometry,
    NeuronLayer,
    grid_shape,
    grid_slots,
    line_slots,
    pairwise_distance,
)


def test_line_slots_are_slot_centres():
    np.testing.assert_allclose(line_slots(4, 2.0)[:, 0], [0.25, 0.75, 1.25, 1.75])


def test_stacked_geometry_follows_eq_1():
    geometry = Geometry.stacked([3, 5, 2], width=2.0, spacing=0.1)
    positions = geometry.positions()
    assert [p.shape for p in positions] == [(3, 2), (5, 2), (2, 2)]
    for i, p in enumerate(positions):
        np.testing.assert_allclose(p[:, 1], i * 0.1)
    np.testing.assert_allclose(positions[1][:, 0], 2.0 * (np.arange(5) + 0.5) / 5)


@pytest.mark.parametrize("norm", ["l1", "l2"])
def test_distance_matches_eq_2(norm):
    geometry = Geometry.stacked([3, 4], width=2.0, spacing=0.5, norm=norm)
    x_in, x_out = line_slots(3, 2.0)[:, 0], line_slots(4, 2.0)[:, 0]
    dx = np.abs(x_in[:, None] - x_out[None, :])
    expected = dx + 0.5 if norm == "l1" else np.sqrt(dx**2 + 0.25)
    np.testing.assert_allclose(geometry.distance(0), expected)


def test_width_zero_makes_every_length_y_star():
    geometry = Geometry.stacked([3, 4, 2], width=0.0, spacing=0.3)
    for c in range(2):
        np.testing.assert_allclose(geometry.distance(c), 0.3)


def test_swap_moves_positions_and_distances_not_neurons():
    geometry = Geometry.stacked([3, 4, 2], width=2.0, spacing=0.1)
    before = geometry.distance(0).copy()
    geometry.swap(1, 0, 3)
    after = geometry.distance(0)
    np.testing.assert_allclose(after[:, 0], before[:, 3])
    np.testing.assert_allclose(after[:, 3], before[:, 0])
    np.testing.assert_allclose(after[:, 1:3], before[:, 1:3])
    assert sorted(geometry.layers[1].assignment) == [0, 1, 2, 3]


def test_positions_of_an_earlier_state_leave_the_geometry_alone():
    geometry = Geometry.stacked([3, 4, 2], width=2.0, spacing=0.1)
    initial = geometry.get_state()
    before = geometry.positions()
    geometry.swap(1, 0, 3)
    now = geometry.positions()
    earlier = geometry.positions(initial)
    for a, b in zip(earlier, before, strict=True):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(geometry.positions(), now, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(now[1], before[1])


def test_state_round_trip():
    geometry = Geometry.stacked([3, 4, 2], width=2.0, spacing=0.1)
    state = geometry.get_state()
    geometry.swap(1, 0, 3)
    geometry.set_state(state)
    np.testing.assert_array_equal(geometry.layers[1].assignment, np.arange(4))


def test_image_input_lives_in_3d():
    geometry = Geometry.stacked([12, 6, 3], width=2.0, spacing=0.5, input_shape=(3, 4))
    assert geometry.n_dims == 3
    inputs = geometry.positions()[0]
    assert len(np.unique(inputs[:, 0])) == 4  # columns
    assert len(np.unique(inputs[:, 1])) == 3  # rows
    assert np.all(inputs[:, 2] == 0)
    # Pixel (0, 0) is drawn in the top row, pixel (2, 3) in the bottom row.
    assert inputs[0, 1] > inputs[11, 1]
    # The L1 distance in 3D adds the in-plane offsets and the height.
    d = geometry.distance(0)
    hidden = geometry.positions()[1]
    expected = np.abs(inputs[:, None, :] - hidden[None, :, :]).sum(-1)
    np.testing.assert_allclose(d, expected)


def test_grid_shape_and_slots():
    assert grid_shape(100) == (10, 10)
    rows, columns = grid_shape(20)
    assert rows * columns >= 20 and rows <= columns
    with pytest.raises(ValueError, match="cannot hold"):
        grid_slots(10, 1.0, shape=(2, 3))


def test_mismatched_dimensions_are_refused():
    with pytest.raises(ValueError, match="same number of coordinates"):
        Geometry(
            [NeuronLayer(np.zeros((2, 2)), "a"), NeuronLayer(np.zeros((2, 3)), "b")],
            [(0, 1)],
        )


def test_pairwise_distance_norms():
    a = np.array([[0.0, 0.0]])
    b = np.array([[3.0, 4.0]])
    assert pairwise_distance(a, b, "l1")[0, 0] == 7
    assert pairwise_distance(a, b, "l2")[0, 0] == 5
