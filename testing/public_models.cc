#include "testing/public_models.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace joule::public_models {
namespace {

using google::protobuf::ListValue;
using google::protobuf::Struct;
using google::protobuf::Value;

absl::StatusOr<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The field `key` of `s` of kind `kind`; INVALID_ARGUMENT naming `where`.
absl::StatusOr<const Value*> Field(const Struct& s, const std::string& key,
                                   Value::KindCase kind,
                                   const std::string& where) {
  auto it = s.fields().find(key);
  if (it == s.fields().end() || it->second.kind_case() != kind) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": missing or mistyped \"", key, "\""));
  }
  return &it->second;
}

absl::StatusOr<std::string> StringField(const Struct& s, const std::string& key,
                                        const std::string& where) {
  absl::StatusOr<const Value*> v = Field(s, key, Value::kStringValue, where);
  if (!v.ok()) return v.status();
  return (*v)->string_value();
}

absl::StatusOr<double> NumberField(const Struct& s, const std::string& key,
                                   const std::string& where) {
  absl::StatusOr<const Value*> v = Field(s, key, Value::kNumberValue, where);
  if (!v.ok()) return v.status();
  return (*v)->number_value();
}

absl::StatusOr<const ListValue*> ListField(const Struct& s,
                                           const std::string& key,
                                           const std::string& where) {
  absl::StatusOr<const Value*> v = Field(s, key, Value::kListValue, where);
  if (!v.ok()) return v.status();
  return &(*v)->list_value();
}

// The DataType DataTypeName() calls `name`; kUnspecified for none.
DataType DataTypeNamed(const std::string& name) {
  for (DataType t : {DataType::kFloat32, DataType::kFloat16, DataType::kInt8,
                     DataType::kUint8, DataType::kInt32, DataType::kInt64,
                     DataType::kBool}) {
    if (DataTypeName(t) == name) return t;
  }
  return DataType::kUnspecified;
}

// One {"name", "dtype", "shape", "file"} entry, its bytes read from `dir`.
absl::StatusOr<Tensor> ReadTensor(const Value& v, const std::string& dir,
                                  const std::string& where) {
  if (v.kind_case() != Value::kStructValue) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": not an object"));
  }
  const Struct& s = v.struct_value();
  Tensor t;
  absl::StatusOr<std::string> name = StringField(s, "name", where);
  if (!name.ok()) return name.status();
  t.name = *name;
  const std::string here = absl::StrCat(where, " '", t.name, "'");
  absl::StatusOr<std::string> dtype = StringField(s, "dtype", here);
  if (!dtype.ok()) return dtype.status();
  t.dtype = DataTypeNamed(*dtype);
  if (t.dtype == DataType::kUnspecified) {
    return absl::InvalidArgumentError(
        absl::StrCat(here, ": unknown dtype \"", *dtype, "\""));
  }
  absl::StatusOr<const ListValue*> shape = ListField(s, "shape", here);
  if (!shape.ok()) return shape.status();
  for (const Value& d : (*shape)->values()) {
    const double dim = d.number_value();
    if (d.kind_case() != Value::kNumberValue || dim < 0 ||
        dim != std::floor(dim) || dim > 1e12) {
      return absl::InvalidArgumentError(absl::StrCat(here, ": bad shape"));
    }
    t.shape.push_back(static_cast<int64_t>(dim));
  }
  absl::StatusOr<std::string> file = StringField(s, "file", here);
  if (!file.ok()) return file.status();
  absl::StatusOr<std::string> bytes = ReadWhole(dir + "/" + *file);
  if (!bytes.ok()) return bytes.status();
  t.bytes = *std::move(bytes);
  if (absl::Status st = t.Validate(); !st.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(here, ": ", st.message()));
  }
  return t;
}

absl::StatusOr<std::vector<Tensor>> ReadTensors(const Struct& s,
                                                const std::string& key,
                                                const std::string& dir,
                                                const std::string& where) {
  absl::StatusOr<const ListValue*> list = ListField(s, key, where);
  if (!list.ok()) return list.status();
  std::vector<Tensor> out;
  for (const Value& v : (*list)->values()) {
    absl::StatusOr<Tensor> t =
        ReadTensor(v, dir, absl::StrCat(where, " ", key));
    if (!t.ok()) return t.status();
    out.push_back(*std::move(t));
  }
  return out;
}

absl::StatusOr<Case> ReadCase(const Value& v, const std::string& dir,
                              const std::string& models_dir,
                              const std::string& where) {
  if (v.kind_case() != Value::kStructValue) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": not an object"));
  }
  const Struct& s = v.struct_value();
  Case c;
  absl::StatusOr<std::string> name = StringField(s, "name", where);
  if (!name.ok()) return name.status();
  c.name = *name;
  const std::string here = absl::StrCat(where, " '", c.name, "'");
  absl::StatusOr<std::string> file = StringField(s, "file", here);
  if (!file.ok()) return file.status();
  c.model_file = *file;
  c.model_path = models_dir + "/" + c.model_file;
  absl::StatusOr<std::vector<Tensor>> inputs =
      ReadTensors(s, "inputs", dir, here);
  if (!inputs.ok()) return inputs.status();
  c.inputs = *std::move(inputs);
  absl::StatusOr<std::vector<Tensor>> outputs =
      ReadTensors(s, "outputs", dir, here);
  if (!outputs.ok()) return outputs.status();
  c.outputs = *std::move(outputs);
  absl::StatusOr<const Value*> tol =
      Field(s, "tolerance", Value::kStructValue, here);
  if (!tol.ok()) return tol.status();
  absl::StatusOr<double> abs_tol =
      NumberField((*tol)->struct_value(), "abs", here);
  if (!abs_tol.ok()) return abs_tol.status();
  absl::StatusOr<double> rel_tol =
      NumberField((*tol)->struct_value(), "rel", here);
  if (!rel_tol.ok()) return rel_tol.status();
  c.abs_tolerance = *abs_tol;
  c.rel_tolerance = *rel_tol;
  return c;
}

// IEEE half -> float.
float HalfToFloat(uint16_t h) {
  const int sign = (h >> 15) & 1;
  const int exp = (h >> 10) & 0x1f;
  const int mant = h & 0x3ff;
  float v;
  if (exp == 0) {
    v = std::ldexp(static_cast<float>(mant), -24);
  } else if (exp == 31) {
    v = mant == 0 ? INFINITY : NAN;
  } else {
    v = std::ldexp(static_cast<float>(mant + 1024), exp - 25);
  }
  return sign ? -v : v;
}

// Element i of a valid tensor, as a double.
double ElementAt(const Tensor& t, int64_t i) {
  const char* p = t.bytes.data() + i * ElementSize(t.dtype);
  auto load = [p](auto zero) {
    decltype(zero) v;
    std::memcpy(&v, p, sizeof(v));
    return static_cast<double>(v);
  };
  switch (t.dtype) {
    case DataType::kFloat32:
      return load(float{});
    case DataType::kFloat16: {
      uint16_t h;
      std::memcpy(&h, p, sizeof(h));
      return HalfToFloat(h);
    }
    case DataType::kInt8:
      return load(int8_t{});
    case DataType::kUint8:
    case DataType::kBool:
      return load(uint8_t{});
    case DataType::kInt32:
      return load(int32_t{});
    case DataType::kInt64:
      return load(int64_t{});
    case DataType::kUnspecified:
      break;
  }
  return NAN;
}

}  // namespace

std::map<std::string, std::vector<int64_t>> Case::InputShapes() const {
  std::map<std::string, std::vector<int64_t>> shapes;
  for (const Tensor& t : inputs) shapes[t.name] = t.shape;
  return shapes;
}

absl::StatusOr<Manifest> LoadManifest(const std::string& dir) {
  const std::string path = dir + "/manifest.json";
  absl::StatusOr<std::string> json = ReadWhole(path);
  if (!json.ok()) return json.status();
  Struct root;
  if (auto st = google::protobuf::util::JsonStringToMessage(*json, &root);
      !st.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not JSON: ", st.ToString()));
  }
  Manifest m;
  absl::StatusOr<std::string> version = StringField(root, "onnxruntime", path);
  if (!version.ok()) return version.status();
  m.onnxruntime_version = *version;
  absl::StatusOr<std::string> models_dir =
      StringField(root, "models_dir", path);
  if (!models_dir.ok()) return models_dir.status();
  m.models_dir = *models_dir;
  absl::StatusOr<const ListValue*> models = ListField(root, "models", path);
  if (!models.ok()) return models.status();
  for (const Value& v : (*models)->values()) {
    absl::StatusOr<Case> c =
        ReadCase(v, dir, m.models_dir, absl::StrCat(path, ": model"));
    if (!c.ok()) return c.status();
    m.cases.push_back(*std::move(c));
  }
  return m;
}

absl::StatusOr<std::vector<OutputError>> CompareOutputs(
    const Case& c, const std::vector<Tensor>& got) {
  if (got.size() != c.outputs.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        c.name, ": ", got.size(), " outputs, want ", c.outputs.size()));
  }
  std::vector<OutputError> errors;
  for (size_t k = 0; k < got.size(); ++k) {
    const Tensor& g = got[k];
    const Tensor& w = c.outputs[k];
    const std::string where = absl::StrCat(c.name, ": output '", w.name, "'");
    if (g.name != w.name || g.dtype != w.dtype || g.shape != w.shape) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, " is ", g.name, " ", std::string(DataTypeName(g.dtype)), " ",
          g.ShapeString(), ", want ", std::string(DataTypeName(w.dtype)), " ",
          w.ShapeString()));
    }
    if (absl::Status st = g.Validate(); !st.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": ", st.message()));
    }
    OutputError e;
    e.output = w.name;
    const int64_t n = *w.NumElements();
    for (int64_t i = 0; i < n; ++i) {
      const double gv = ElementAt(g, i);
      const double wv = ElementAt(w, i);
      const double err = std::fabs(gv - wv);
      const double bound = c.abs_tolerance + c.rel_tolerance * std::fabs(wv);
      if (!(err <= bound)) {  // NaN fails too
        return absl::InvalidArgumentError(
            absl::StrCat(where, " element ", i, ": got ", gv, ", want ", wv,
                         " (tolerance ", bound, ")"));
      }
      if (err > e.max_abs_error || e.worst_index < 0) {
        e.max_abs_error = err;
        e.worst_index = i;
      }
      const double scale = std::max(std::fabs(wv), c.abs_tolerance);
      if (scale > 0) e.max_rel_error = std::max(e.max_rel_error, err / scale);
    }
    errors.push_back(e);
  }
  return errors;
}

}  // namespace joule::public_models
