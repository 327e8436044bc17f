"""Saving and loading fitted estimators without executing code from the file.

Pickle (and ``joblib.dump``) works on BIMT estimators, but unpickling a file
runs whatever code it names. :func:`save` writes hyperparameters and plain
fitted values as JSON and every fitted array as a tensor into one
``torch.save`` file; :func:`load` reads it back with
``torch.load(weights_only=True)``, which refuses anything but tensors and
plain containers, and rebuilds the estimator from a fixed list of classes.
"""

import json
import os
import zipfile

import numpy as np
import torch

from ._base import BaseBIMT
from ._building import build_geometry, neuron_layer_positions
from ._estimators import BIMTClassifier, BIMTRegressor

FORMAT = "skbimt-safe-2"
_OLD_FORMAT = "skbimt-safe-1"
_CLASSES = {cls.__name__: cls for cls in (BIMTRegressor, BIMTClassifier)}
# Derived from other fitted values on load instead of stored.
_REBUILT = ("geometry_", "coords_", "coefs_", "intercepts_")


def _is_array_list(value):
    return isinstance(value, list) and all(isinstance(v, np.ndarray) for v in value)


def _tensor(array):
    return torch.from_numpy(np.ascontiguousarray(array))


def save(estimator, path):
    """Save a fitted BIMT estimator in the safe format.

    The file holds the network, its geometry, the fitted attributes and
    Adam's state, so that ``warm_start`` and ``partial_fit`` continue after
    :func:`load` exactly as they would have before.

    Parameters
    ----------
    estimator : BIMTRegressor or BIMTClassifier
        Fitted. Its hyperparameters must be JSON values: a callable
        ``lambda_schedule`` cannot be saved this way (use pickle, or a
        sequence of phases).
    path : str or path-like
        File to write.

    Raises
    ------
    TypeError
        For another kind of object (a Pipeline among them), or
        hyperparameters JSON cannot hold.
    """
    from sklearn.utils.validation import check_is_fitted

    name = type(estimator).__name__
    if hasattr(estimator, "steps"):
        raise TypeError(
            "save() stores one BIMT estimator; a Pipeline also holds other "
            "estimators (a StandardScaler, say) whose fitted state this format "
            "cannot store without running code when it is loaded. Save the "
            "network with skbimt.save(pipeline[-1], path) and refit the other "
            "steps, or use joblib.dump(pipeline, path) for files you will only "
            "load from sources you trust. (BIMT estimators with "
            "standardize=True scale their inputs themselves.)"
        )
    if not isinstance(estimator, BaseBIMT) or type(estimator) is not _CLASSES.get(name):
        raise TypeError(f"save() handles BIMTRegressor and BIMTClassifier, not {name}.")
    check_is_fitted(estimator)
    params = {key: _json_value(value) for key, value in estimator.get_params().items()}
    params["device"] = str(params["device"])
    for key, value in params.items():
        try:
            json.dumps(value)
        except TypeError as exc:
            raise TypeError(
                f"save() cannot store {name}'s {key}={value!r}: it is not a "
                f"JSON value ({exc}). {_UNSAVABLE_ADVICE.get(key, '')}Set it to "
                "a plain value, or pickle the estimator (for files you will "
                "only load from sources you trust)."
            ) from exc
    params_json = json.dumps(params)

    tensors, metadata = {}, {}
    for key, value in vars(estimator).items():
        if not key.endswith("_") or key.startswith("__") or key in _REBUILT:
            continue
        if key == "snapshots_":
            tensors[key] = [
                {
                    part: [_tensor(a) for a in record[part]]
                    for part in ("coefs", "intercepts", "coords")
                }
                for record in value
            ]
            metadata["snapshot_steps"] = [int(r["step"]) for r in value]
        elif isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
            tensors[key] = _tensor(value)
        elif isinstance(value, np.ndarray):
            metadata[key] = {"values": value.tolist(), "dtype": value.dtype.str}
        elif _is_array_list(value):
            tensors[key] = [_tensor(a) for a in value]
        else:
            metadata[key] = value.item() if isinstance(value, np.generic) else value
    tensors["assignments"] = [
        _tensor(a.astype(np.int64)) for a in estimator.geometry_.get_state()
    ]
    optimizer = getattr(estimator, "_optimizer_state", None)
    if optimizer is not None:
        # Adam's moments, so that warm_start and partial_fit continue after
        # load() exactly as they would have before save().
        tensors["optimizer"] = [optimizer["exp_avg"], optimizer["exp_avg_sq"]]
        metadata["optimizer_steps"] = int(optimizer["n_steps"])
    torch.save(
        {
            "format": FORMAT,
            "class": name,
            "params": params_json,
            "metadata": json.dumps(metadata),
            "tensors": tensors,
        },
        path,
    )


def load(path):
    """Load an estimator written by :func:`save`, executing nothing from the file.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    estimator : BIMTRegressor or BIMTClassifier
        Fitted, predicting exactly as the saved one.

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    ValueError
        If the file is not in the safe format, or was tampered with.
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No file at {os.fspath(path)!r} to load.")
    if not zipfile.is_zipfile(path):
        raise ValueError(
            f"{os.fspath(path)!r} is not a file written by skbimt.save (it is "
            "not even a torch.save archive)."
        )
    try:
        content = torch.load(path, weights_only=True, map_location="cpu")
    except Exception as exc:  # torch raises UnpicklingError and friends
        raise ValueError(
            f"{os.fspath(path)!r} holds objects other than tensors and plain "
            "values, which a file written by skbimt.save never does; refusing "
            f"to load it ({type(exc).__name__})."
        ) from exc
    if not isinstance(content, dict) or content.get("format") not in (
        FORMAT,
        _OLD_FORMAT,
    ):
        raise ValueError(f"{os.fspath(path)!r} is not a file written by skbimt.save.")
    if content.get("class") not in _CLASSES:
        raise ValueError(
            f"{os.fspath(path)!r} names an unknown estimator {content.get('class')!r}."
        )
    params = json.loads(content["params"])
    estimator = _CLASSES[content["class"]](**_tuples_restored(params))
    metadata = json.loads(content["metadata"])
    tensors = content["tensors"]
    if content["format"] == _OLD_FORMAT:
        _upgrade_old_format(estimator, metadata, tensors)

    attributes = {}
    if "optimizer" in tensors:
        exp_avg, exp_avg_sq = tensors.pop("optimizer")
        attributes["_optimizer_state"] = {
            "exp_avg": exp_avg,
            "exp_avg_sq": exp_avg_sq,
            "n_steps": metadata.pop("optimizer_steps"),
        }
    for key, value in metadata.items():
        if key == "snapshot_steps":
            continue
        if isinstance(value, dict) and set(value) == {"values", "dtype"}:
            value = np.asarray(value["values"], dtype=np.dtype(value["dtype"]))
        attributes[key] = value
    if "lambda_schedule_" in attributes:
        attributes["lambda_schedule_"] = _as_tuple(attributes["lambda_schedule_"])
    for key, value in tensors.items():
        if key in ("assignments", "snapshots_"):
            continue
        attributes[key] = (
            [t.numpy() for t in value] if isinstance(value, list) else value.numpy()
        )
    if "snapshots_" in tensors:
        attributes["snapshots_"] = [
            {
                "step": step,
                **{part: [t.numpy() for t in record[part]] for part in record},
            }
            for step, record in zip(
                metadata["snapshot_steps"], tensors["snapshots_"], strict=True
            )
        ]
    coefs = attributes["scaled_coefs_"]
    sizes = [coefs[0].shape[0]] + [w.shape[1] for w in coefs]
    n_tokens = attributes["n_features_in_"] if estimator.embedding_dim else None
    input_shape = estimator._validated_input_shape(attributes["n_features_in_"])
    geometry = build_geometry(estimator.get_params(), sizes, n_tokens, input_shape)
    geometry.set_state([t.numpy() for t in tensors["assignments"]])
    attributes["geometry_"] = geometry
    attributes["coords_"] = neuron_layer_positions(geometry, n_tokens)
    if isinstance(estimator, BIMTRegressor) and "y_min_" not in attributes:
        # Saved before regressors kept their target range: predict as then.
        estimator.set_params(clip_predictions=False)
    estimator._install(attributes)
    estimator._set_scaled_parameters(
        attributes["scaled_coefs_"], attributes["scaled_intercepts_"]
    )
    return estimator


def _upgrade_old_format(estimator, metadata, tensors):
    """Read a file of skbimt 0.1, which trained on unscaled data only."""
    tensors["scaled_coefs_"] = tensors.pop("coefs_")
    tensors["scaled_intercepts_"] = tensors.pop("intercepts_")
    if "classes_" in metadata:
        metadata["classes_"] = {
            "values": metadata["classes_"],
            "dtype": metadata.pop("classes_dtype"),
        }
    n_inputs = tensors["scaled_coefs_"][0].shape[0]
    n_outputs = tensors["scaled_coefs_"][-1].shape[1]
    if estimator.embedding_dim is None:
        tensors["x_mean_"] = torch.zeros(n_inputs, dtype=torch.float64)
        tensors["x_scale_"] = torch.ones(n_inputs, dtype=torch.float64)
    else:
        metadata["x_mean_"] = metadata["x_scale_"] = None
    if "y_is_1d" in metadata:
        metadata["_y_ndim_"] = 1 if metadata.pop("y_is_1d") else 2
        tensors["y_mean_"] = torch.zeros(n_outputs, dtype=torch.float64)
        tensors["y_scale_"] = torch.ones(n_outputs, dtype=torch.float64)


_UNSAVABLE_ADVICE = {
    "lambda_schedule": "A callable schedule cannot be saved safely; use a "
    "float or a sequence of (lambda, fraction) phases. ",
    "random_state": "Use an int seed or None. ",
}

#: Hyperparameters that are tuples, which JSON gives back as lists.
_TUPLE_PARAMETERS = ("hidden_layer_sizes", "input_shape", "lambda_schedule")


def _json_value(value):
    """``value`` with numpy scalars and arrays made plain Python."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    return value


def _as_tuple(value):
    """``value`` with every list, nested ones too, made a tuple (JSON's undoing)."""
    if isinstance(value, list):
        return tuple(_as_tuple(item) for item in value)
    return value


def _tuples_restored(params):
    """Saved hyperparameters with their tuples back, as they were given."""
    return {
        key: _as_tuple(value) if key in _TUPLE_PARAMETERS else value
        for key, value in params.items()
    }
