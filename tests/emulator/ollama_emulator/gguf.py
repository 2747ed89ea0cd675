"""A small GGUF v3 writer for test models and a reader for the metadata /api/show needs."""

import struct

MAGIC = b"GGUF"
ALIGNMENT = 32

(
    T_UINT8,
    T_INT8,
    T_UINT16,
    T_INT16,
    T_UINT32,
    T_INT32,
    T_FLOAT32,
    T_BOOL,
    T_STRING,
    T_ARRAY,
    T_UINT64,
    T_INT64,
    T_FLOAT64,
) = range(13)

_SCALARS = {
    T_UINT8: "<B",
    T_INT8: "<b",
    T_UINT16: "<H",
    T_INT16: "<h",
    T_UINT32: "<I",
    T_INT32: "<i",
    T_FLOAT32: "<f",
    T_BOOL: "<?",
    T_UINT64: "<Q",
    T_INT64: "<q",
    T_FLOAT64: "<d",
}

# ggml tensor types: id -> (name, elements per block, bytes per block)
TENSOR_TYPES = {
    0: ("F32", 1, 4),
    1: ("F16", 1, 2),
    2: ("Q4_0", 32, 18),
    3: ("Q4_1", 32, 20),
    6: ("Q5_0", 32, 22),
    7: ("Q5_1", 32, 24),
    8: ("Q8_0", 32, 34),
    9: ("Q8_1", 32, 36),
    10: ("Q2_K", 256, 84),
    11: ("Q3_K", 256, 110),
    12: ("Q4_K", 256, 144),
    13: ("Q5_K", 256, 176),
    14: ("Q6_K", 256, 210),
    15: ("Q8_K", 256, 292),
    24: ("I8", 1, 1),
    25: ("I16", 1, 2),
    26: ("I32", 1, 4),
    27: ("I64", 1, 8),
    28: ("F64", 1, 8),
    30: ("BF16", 1, 2),
}
TENSOR_TYPE_IDS = {spec[0]: type_id for type_id, spec in TENSOR_TYPES.items()}

# general.file_type -> the quantization level Ollama reports
FILE_TYPES = {
    0: "F32",
    1: "F16",
    2: "Q4_0",
    3: "Q4_1",
    7: "Q8_0",
    8: "Q5_0",
    9: "Q5_1",
    10: "Q2_K",
    11: "Q3_K_S",
    12: "Q3_K_M",
    13: "Q3_K_L",
    14: "Q4_K_S",
    15: "Q4_K_M",
    16: "Q5_K_S",
    17: "Q5_K_M",
    18: "Q6_K",
    32: "BF16",
}
FILE_TYPE_IDS = {name: type_id for type_id, name in FILE_TYPES.items()}


class GGUFError(ValueError):
    """The file is not a GGUF file this reader understands."""


# ---------------------------------------------------------------- writer


def _pack_string(text):
    data = text.encode("utf-8")
    return struct.pack("<Q", len(data)) + data


def _value_type(value):
    if isinstance(value, bool):
        return T_BOOL
    if isinstance(value, int):
        if value < 0:
            return T_INT32 if value >= -(2**31) else T_INT64
        return T_UINT32 if value < 2**32 else T_UINT64
    if isinstance(value, float):
        return T_FLOAT32
    if isinstance(value, str):
        return T_STRING
    if isinstance(value, (list, tuple)):
        return T_ARRAY
    raise TypeError("unsupported GGUF value %r" % (value,))


def _pack_value(value_type, value):
    if value_type == T_STRING:
        return _pack_string(value)
    if value_type == T_ARRAY:
        elem_type = _value_type(value[0]) if value else T_UINT32
        body = b"".join(_pack_value(elem_type, item) for item in value)
        return struct.pack("<IQ", elem_type, len(value)) + body
    return struct.pack(_SCALARS[value_type], value)


def _pack_kv(key, value, value_type=None):
    value_type = _value_type(value) if value_type is None else value_type
    return _pack_string(key) + struct.pack("<I", value_type) + _pack_value(value_type, value)


def _tensor_nbytes(type_name, shape):
    block, block_bytes = TENSOR_TYPES[TENSOR_TYPE_IDS[type_name]][1:]
    count = 1
    for dim in shape:
        count *= dim
    return -(-count // block) * block_bytes


def default_tensors(block_count, embedding_length):
    """A minimal, plausible tensor list: embeddings, one norm per block, output norm."""
    tensors = [("token_embd.weight", "F32", [embedding_length, 8])]
    for index in range(block_count):
        tensors.append(("blk.%d.attn_norm.weight" % index, "F32", [embedding_length]))
    tensors.append(("output_norm.weight", "F32", [embedding_length]))
    return tensors


def make_gguf(
    path,
    architecture="qwen2",
    block_count=2,
    head_count=4,
    head_count_kv=2,
    embedding_length=64,
    context_length=4096,
    key_length=None,
    value_length=None,
    file_type=15,
    parameter_count=None,
    extra_kv=None,
    tensors=None,
    name=None,
    padding=0,
    write_data=True,
):
    """Write a valid GGUF v3 file and return its path.

    tensors: list of (name, ggml type name, shape); data is zero-filled. padding adds zero
    bytes at the end to give the file a realistic size without real weights; write_data=False
    leaves the tensor data out (metadata-only stand-in for huge recorded shapes).
    extra_kv adds or replaces metadata keys (None removes one).
    """
    if tensors is None:
        tensors = default_tensors(block_count, embedding_length)
    if parameter_count is None:
        parameter_count = sum(_element_count(tensor[2]) for tensor in tensors)
    kvs = _default_kvs(
        architecture,
        name,
        file_type,
        parameter_count,
        block_count,
        context_length,
        embedding_length,
        head_count,
        head_count_kv,
        key_length,
        value_length,
    )
    for key, value in (extra_kv or {}).items():
        if value is None:
            kvs.pop(key, None)
        else:
            kvs[key] = (value, None)

    header = MAGIC + struct.pack("<IQQ", 3, len(tensors), len(kvs))
    header += b"".join(_pack_kv(key, value, value_type) for key, (value, value_type) in kvs.items())
    infos, offset = [], 0
    for tensor_name, type_name, shape in tensors:
        infos.append(
            _pack_string(tensor_name)
            + struct.pack("<I", len(shape))
            + b"".join(struct.pack("<Q", dim) for dim in shape)
            + struct.pack("<IQ", TENSOR_TYPE_IDS[type_name], offset)
        )
        offset += _align(_tensor_nbytes(type_name, shape))
    head = header + b"".join(infos)
    head += b"\0" * (_align(len(head)) - len(head))
    with open(path, "wb") as handle:
        handle.write(head)
        if write_data:
            handle.write(b"\0" * offset)
        handle.write(b"\0" * padding)
    return path


def _default_kvs(
    architecture,
    name,
    file_type,
    parameter_count,
    block_count,
    context_length,
    embedding_length,
    head_count,
    head_count_kv,
    key_length,
    value_length,
):
    """key -> (value, explicit GGUF type or None) in the order llama.cpp writes them."""
    kvs = {
        "general.architecture": (architecture, None),
        "general.type": ("model", None),
        "general.name": (name or architecture, None),
        "general.file_type": (file_type, T_UINT32),
        "general.parameter_count": (parameter_count, T_UINT64),
        "general.quantization_version": (2, T_UINT32),
    }
    arch = {
        "block_count": block_count,
        "context_length": context_length,
        "embedding_length": embedding_length,
        "attention.head_count": head_count,
        "attention.head_count_kv": head_count_kv,
        "attention.key_length": key_length,
        "attention.value_length": value_length,
    }
    for key, value in arch.items():
        if value is not None:
            kvs["%s.%s" % (architecture, key)] = (value, T_UINT32)
    kvs["tokenizer.ggml.model"] = ("gpt2", None)
    kvs["tokenizer.ggml.tokens"] = (["<unk>", "<s>", "</s>", "a", "b"], None)
    return kvs


def _align(size):
    return -(-size // ALIGNMENT) * ALIGNMENT


def _element_count(shape):
    count = 1
    for dim in shape:
        count *= dim
    return count


# ---------------------------------------------------------------- reader


class _Reader:
    def __init__(self, handle):
        self.handle = handle

    def take(self, fmt):
        size = struct.calcsize(fmt)
        data = self.handle.read(size)
        if len(data) != size:
            raise GGUFError("truncated GGUF file")
        return struct.unpack(fmt, data)[0]

    def string(self):
        length = self.take("<Q")
        data = self.handle.read(length)
        if len(data) != length:
            raise GGUFError("truncated GGUF string")
        return data.decode("utf-8", "replace")

    def value(self, value_type, keep_arrays):
        if value_type == T_STRING:
            return self.string()
        if value_type == T_ARRAY:
            elem_type = self.take("<I")
            count = self.take("<Q")
            items = [self.value(elem_type, keep_arrays) for _index in range(count)]
            return items if keep_arrays else None
        if value_type not in _SCALARS:
            raise GGUFError("unknown GGUF value type %d" % value_type)
        value = self.take(_SCALARS[value_type])
        if value_type == T_FLOAT32:
            return _float32_shortest(value)
        return value


def _float32_shortest(value):
    """The float64 whose shortest repr matches Go's formatting of the float32."""
    packed = struct.pack("<f", value)
    for precision in range(1, 10):
        candidate = float("%.*g" % (precision, value))
        if struct.pack("<f", candidate) == packed:
            return candidate
    return value


def is_gguf(path):
    """True when the file starts with the GGUF magic."""
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == MAGIC
    except OSError:
        return False


def read_gguf(path, keep_arrays=False):
    """Return {"kv": {...}, "tensors": [{name, type, shape}]}; arrays are None unless kept."""
    with open(path, "rb") as handle:
        if handle.read(4) != MAGIC:
            raise GGUFError("not a GGUF file")
        reader = _Reader(handle)
        version = reader.take("<I")
        if version not in (2, 3):
            raise GGUFError("unsupported GGUF version %d" % version)
        tensor_count = reader.take("<Q")
        kv_count = reader.take("<Q")
        kv = {}
        for _index in range(kv_count):
            key = reader.string()
            kv[key] = reader.value(reader.take("<I"), keep_arrays)
        tensors = []
        for _index in range(tensor_count):
            name = reader.string()
            dims = [reader.take("<Q") for _dim in range(reader.take("<I"))]
            type_id = reader.take("<I")
            reader.take("<Q")
            type_name = TENSOR_TYPES.get(type_id, ("type(%d)" % type_id, 1, 1))[0]
            tensors.append({"name": name, "type": type_name, "shape": dims})
    return {"kv": kv, "tensors": tensors}


def human_number(count):
    """format.HumanNumber: 268098176 -> 268.10M, 7615616512 -> 7.6B."""
    for limit, suffix, decimals in ((1000000000, "B", 1), (1000000, "M", 2), (1000, "K", 0)):
        if count >= limit:
            number = count / limit
            if suffix != "K" and number == int(number):
                return "%d%s" % (number, suffix)
            return "%.*f%s" % (decimals, number, suffix)
    return str(count)


def parameter_count(info):
    """general.parameter_count, or the element count of all tensors when absent."""
    count = info["kv"].get("general.parameter_count")
    if count is None:
        count = sum(_element_count(t["shape"]) for t in info["tensors"])
    return count


def file_type_name(info):
    return FILE_TYPES.get(info["kv"].get("general.file_type"), "unknown")
