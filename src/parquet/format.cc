#include "parquet/format.h"

#include "parquet/thrift_compact.h"

namespace arxivflow::parquet::format {

using thrift::ThriftReader;
using thrift::ThriftWriter;

const char* EncodingName(int32_t e) {
  switch (e) {
    case kPlain: return "PLAIN";
    case kPlainDictionary: return "PLAIN_DICTIONARY";
    case kRle: return "RLE";
    case kBitPacked: return "BIT_PACKED";
    case kDeltaBinaryPacked: return "DELTA_BINARY_PACKED";
    case kDeltaLengthByteArray: return "DELTA_LENGTH_BYTE_ARRAY";
    case kDeltaByteArray: return "DELTA_BYTE_ARRAY";
    case kRleDictionary: return "RLE_DICTIONARY";
    case kByteStreamSplit: return "BYTE_STREAM_SPLIT";
  }
  return "UNKNOWN";
}

const char* CodecName(int32_t c) {
  switch (c) {
    case kUncompressed: return "UNCOMPRESSED";
    case kSnappy: return "SNAPPY";
    case kGzip: return "GZIP";
    case kLzo: return "LZO";
    case kBrotli: return "BROTLI";
    case kLz4: return "LZ4";
    case kZstd: return "ZSTD";
    case kLz4Raw: return "LZ4_RAW";
  }
  return "UNKNOWN";
}

// ---------------------------------------------------------------- writing

namespace {

void WriteStatistics(ThriftWriter& w, const Statistics& s) {
  w.BeginStruct();
  if (s.max) w.FieldBinary(1, *s.max);
  if (s.min) w.FieldBinary(2, *s.min);
  if (s.null_count) w.FieldI64(3, *s.null_count);
  if (s.distinct_count) w.FieldI64(4, *s.distinct_count);
  if (s.max_value) w.FieldBinary(5, *s.max_value);
  if (s.min_value) w.FieldBinary(6, *s.min_value);
  w.EndStruct();
}

void WriteEmptyStruct(ThriftWriter& w, int16_t id) {
  w.FieldStruct(id);
  w.BeginStruct();
  w.EndStruct();
}

void WriteTimeParams(ThriftWriter& w, const LogicalTypeInfo& l) {
  w.BeginStruct();
  w.FieldBool(1, l.is_adjusted_to_utc);
  w.FieldStruct(2);
  w.BeginStruct();  // TimeUnit union
  WriteEmptyStruct(w, static_cast<int16_t>(l.unit + 1));
  w.EndStruct();
  w.EndStruct();
}

void WriteLogicalType(ThriftWriter& w, const LogicalTypeInfo& l) {
  w.BeginStruct();
  switch (l.kind) {
    case LogicalTypeInfo::kDecimal:
      w.FieldStruct(l.kind);
      w.BeginStruct();
      w.FieldI32(1, l.scale);
      w.FieldI32(2, l.precision);
      w.EndStruct();
      break;
    case LogicalTypeInfo::kTime:
    case LogicalTypeInfo::kTimestamp:
      w.FieldStruct(l.kind);
      WriteTimeParams(w, l);
      break;
    case LogicalTypeInfo::kInteger:
      w.FieldStruct(l.kind);
      w.BeginStruct();
      w.FieldI8(1, static_cast<int8_t>(l.bit_width));
      w.FieldBool(2, l.is_signed);
      w.EndStruct();
      break;
    default:  // members without parameters (or whose parameters are all optional)
      WriteEmptyStruct(w, l.kind);
      break;
  }
  w.EndStruct();
}

void WriteSchemaElement(ThriftWriter& w, const SchemaElement& e) {
  w.BeginStruct();
  if (e.type) w.FieldI32(1, *e.type);
  if (e.type_length) w.FieldI32(2, *e.type_length);
  if (e.repetition_type) w.FieldI32(3, *e.repetition_type);
  w.FieldBinary(4, e.name);
  if (e.num_children) w.FieldI32(5, *e.num_children);
  if (e.converted_type) w.FieldI32(6, *e.converted_type);
  if (e.scale) w.FieldI32(7, *e.scale);
  if (e.precision) w.FieldI32(8, *e.precision);
  if (e.logical.kind > LogicalTypeInfo::kNone) {
    w.FieldStruct(10);
    WriteLogicalType(w, e.logical);
  }
  w.EndStruct();
}

void WriteColumnMetaData(ThriftWriter& w, const ColumnMetaData& m) {
  w.BeginStruct();
  w.FieldI32(1, m.type);
  w.FieldList(2, thrift::kI32, static_cast<uint32_t>(m.encodings.size()));
  for (int32_t e : m.encodings) w.ElemI32(e);
  w.FieldList(3, thrift::kBinary, static_cast<uint32_t>(m.path_in_schema.size()));
  for (const auto& p : m.path_in_schema) w.ElemBinary(p);
  w.FieldI32(4, m.codec);
  w.FieldI64(5, m.num_values);
  w.FieldI64(6, m.total_uncompressed_size);
  w.FieldI64(7, m.total_compressed_size);
  w.FieldI64(9, m.data_page_offset);
  if (m.dictionary_page_offset) w.FieldI64(11, *m.dictionary_page_offset);
  if (m.statistics) {
    w.FieldStruct(12);
    WriteStatistics(w, *m.statistics);
  }
  w.EndStruct();
}

}  // namespace

void Serialize(const FileMetaData& m, std::string* out) {
  ThriftWriter w(out);
  w.BeginStruct();
  w.FieldI32(1, m.version);
  w.FieldList(2, thrift::kStruct, static_cast<uint32_t>(m.schema.size()));
  for (const auto& e : m.schema) WriteSchemaElement(w, e);
  w.FieldI64(3, m.num_rows);
  w.FieldList(4, thrift::kStruct, static_cast<uint32_t>(m.row_groups.size()));
  for (const auto& rg : m.row_groups) {
    w.BeginStruct();
    w.FieldList(1, thrift::kStruct, static_cast<uint32_t>(rg.columns.size()));
    for (const auto& cc : rg.columns) {
      w.BeginStruct();
      if (cc.file_path) w.FieldBinary(1, *cc.file_path);
      w.FieldI64(2, cc.file_offset);
      if (cc.meta_data) {
        w.FieldStruct(3);
        WriteColumnMetaData(w, *cc.meta_data);
      }
      w.EndStruct();
    }
    w.FieldI64(2, rg.total_byte_size);
    w.FieldI64(3, rg.num_rows);
    if (rg.file_offset) w.FieldI64(5, *rg.file_offset);
    if (rg.total_compressed_size) w.FieldI64(6, *rg.total_compressed_size);
    if (rg.ordinal) w.FieldI16(7, static_cast<int16_t>(*rg.ordinal));
    w.EndStruct();
  }
  if (m.created_by) w.FieldBinary(6, *m.created_by);
  if (m.type_defined_column_orders) {
    size_t leaves = m.schema.empty() ? 0 : m.schema.size() - 1;
    w.FieldList(7, thrift::kStruct, static_cast<uint32_t>(leaves));
    for (size_t i = 0; i < leaves; ++i) {
      w.BeginStruct();  // ColumnOrder union
      WriteEmptyStruct(w, 1);  // TYPE_ORDER
      w.EndStruct();
    }
  }
  w.EndStruct();
}

void Serialize(const PageHeader& h, std::string* out) {
  ThriftWriter w(out);
  w.BeginStruct();
  w.FieldI32(1, h.type);
  w.FieldI32(2, h.uncompressed_page_size);
  w.FieldI32(3, h.compressed_page_size);
  if (h.crc) w.FieldI32(4, *h.crc);
  if (h.data_page_header) {
    const auto& d = *h.data_page_header;
    w.FieldStruct(5);
    w.BeginStruct();
    w.FieldI32(1, d.num_values);
    w.FieldI32(2, d.encoding);
    w.FieldI32(3, d.definition_level_encoding);
    w.FieldI32(4, d.repetition_level_encoding);
    w.EndStruct();
  }
  if (h.dictionary_page_header) {
    const auto& d = *h.dictionary_page_header;
    w.FieldStruct(7);
    w.BeginStruct();
    w.FieldI32(1, d.num_values);
    w.FieldI32(2, d.encoding);
    if (d.is_sorted) w.FieldBool(3, *d.is_sorted);
    w.EndStruct();
  }
  if (h.data_page_header_v2) {
    const auto& d = *h.data_page_header_v2;
    w.FieldStruct(8);
    w.BeginStruct();
    w.FieldI32(1, d.num_values);
    w.FieldI32(2, d.num_nulls);
    w.FieldI32(3, d.num_rows);
    w.FieldI32(4, d.encoding);
    w.FieldI32(5, d.definition_levels_byte_length);
    w.FieldI32(6, d.repetition_levels_byte_length);
    w.FieldBool(7, d.is_compressed);
    w.EndStruct();
  }
  w.EndStruct();
}

// ---------------------------------------------------------------- parsing

namespace {

// Iterates the fields of one struct: `body(id, type)` handles known fields
// and returns false for unknown ones, which are skipped.
template <typename Body>
Status ForEachField(ThriftReader& r, Body body) {
  AF_RETURN_IF_ERROR(r.BeginStruct());
  for (;;) {
    int16_t id;
    uint8_t type;
    AF_RETURN_IF_ERROR(r.ReadFieldHeader(&id, &type));
    if (type == thrift::kStop) break;
    bool handled = false;
    AF_RETURN_IF_ERROR(body(id, type, &handled));
    if (!handled) AF_RETURN_IF_ERROR(r.Skip(type));
  }
  return r.EndStruct();
}

Status ParseStatistics(ThriftReader& r, Statistics* s) {
  return ForEachField(r, [&](int16_t id, uint8_t t, bool* h) -> Status {
    *h = true;
    switch (id) {
      case 1: s->max.emplace(); return r.ReadBinary(t, &*s->max);
      case 2: s->min.emplace(); return r.ReadBinary(t, &*s->min);
      case 3: s->null_count.emplace(); return r.ReadI64(t, &*s->null_count);
      case 4: s->distinct_count.emplace(); return r.ReadI64(t, &*s->distinct_count);
      case 5: s->max_value.emplace(); return r.ReadBinary(t, &*s->max_value);
      case 6: s->min_value.emplace(); return r.ReadBinary(t, &*s->min_value);
      default: *h = false; return Status::OK();
    }
  });
}

// TIME and TIMESTAMP: isAdjustedToUTC and the TimeUnit union.
Status ParseTimeParams(ThriftReader& r, LogicalTypeInfo* l) {
  return ForEachField(r, [&](int16_t id, uint8_t t, bool* h) -> Status {
    *h = true;
    if (id == 1) return r.ReadBool(t, &l->is_adjusted_to_utc);
    if (id == 2) {
      AF_RETURN_IF_ERROR(r.ExpectStruct(t));
      return ForEachField(r, [&](int16_t unit, uint8_t, bool* h2) -> Status {
        *h2 = false;  // the member is an empty struct: skipped
        if (unit >= 1 && unit <= 3) l->unit = unit - 1;
        return Status::OK();
      });
    }
    *h = false;
    return Status::OK();
  });
}

Status ParseLogicalType(ThriftReader& r, LogicalTypeInfo* l) {
  return ForEachField(r, [&](int16_t id, uint8_t t, bool* h) -> Status {
    AF_RETURN_IF_ERROR(r.ExpectStruct(t));
    if (id <= 0) return Status::Corruption("logical type with field id " + std::to_string(id));
    l->kind = id;
    *h = true;
    switch (id) {
      case LogicalTypeInfo::kDecimal:
        return ForEachField(r, [&](int16_t id2, uint8_t t2, bool* h2) -> Status {
          *h2 = true;
          if (id2 == 1) return r.ReadI32(t2, &l->scale);
          if (id2 == 2) return r.ReadI32(t2, &l->precision);
          *h2 = false;
          return Status::OK();
        });
      case LogicalTypeInfo::kTime:
      case LogicalTypeInfo::kTimestamp:
        return ParseTimeParams(r, l);
      case LogicalTypeInfo::kInteger:
        return ForEachField(r, [&](int16_t id2, uint8_t t2, bool* h2) -> Status {
          *h2 = true;
          if (id2 == 1) {
            int32_t bw;
            AF_RETURN_IF_ERROR(r.ReadI32(t2, &bw));
            l->bit_width = bw;
            return Status::OK();
          }
          if (id2 == 2) return r.ReadBool(t2, &l->is_signed);
          *h2 = false;
          return Status::OK();
        });
      default:  // no parameters this reader uses
        *h = false;
        return Status::OK();
    }
  });
}

Status ParseSchemaElement(ThriftReader& r, SchemaElement* e) {
  bool has_name = false;
  AF_RETURN_IF_ERROR(ForEachField(r, [&](int16_t id, uint8_t t, bool* h) -> Status {
    *h = true;
    switch (id) {
      case 1: e->type.emplace(); return r.ReadI32(t, &*e->type);
      case 2: e->type_length.emplace(); return r.ReadI32(t, &*e->type_length);
      case 3: e->repetition_type.emplace(); return r.ReadI32(t, &*e->repetition_type);
      case 4: has_name = true; return r.ReadBinary(t, &e->name);
      case 5: e->num_children.emplace(); return r.ReadI32(t, &*e->num_children);
      case 6: e->converted_type.emplace(); return r.ReadI32(t, &*e->converted_type);
      case 7: e->scale.emplace(); return r.ReadI32(t, &*e->scale);
      case 8: e->precision.emplace(); return r.ReadI32(t, &*e->precision);
      case 10: AF_RETURN_IF_ERROR(r.ExpectStruct(t)); return ParseLogicalType(r, &e->logical);
      default: *h = false; return Status::OK();
    }
  }));
  if (!has_name) return Status::Corruption("schema element without a name");
  return Status::OK();
}

template <typename T, typename ParseOne>
Status ParseList(ThriftReader& r, uint8_t t, std::vector<T>* out, ParseOne parse_one) {
  uint8_t elem;
  uint32_t n;
  AF_RETURN_IF_ERROR(r.ReadListHeader(t, &elem, &n));
  out->clear();
  out->reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    out->emplace_back();
    AF_RETURN_IF_ERROR(parse_one(elem, &out->back()));
  }
  return Status::OK();
}

Status ParseColumnMetaData(ThriftReader& r, ColumnMetaData* m) {
  uint32_t seen = 0;
  AF_RETURN_IF_ERROR(ForEachField(r, [&](int16_t id, uint8_t t, bool* h) -> Status {
    *h = true;
    if (id >= 1 && id <= 12) seen |= 1u << id;
    switch (id) {
      case 1: return r.ReadI32(t, &m->type);
      case 2: return ParseList(r, t, &m->encodings, [&](uint8_t et, int32_t* v) { return r.ReadElemI32(et, v); });
      case 3: return ParseList(r, t, &m->path_in_schema, [&](uint8_t et, std::string* v) { return r.ReadElemBinary(et, v); });
      case 4: return r.ReadI32(t, &m->codec);
      case 5: return r.ReadI64(t, &m->num_values);
      case 6: return r.ReadI64(t, &m->total_uncompressed_size);
      case 7: return r.ReadI64(t, &m->total_compressed_size);
      case 9: return r.ReadI64(t, &m->data_page_offset);
      case 11: m->dictionary_page_offset.emplace(); return r.ReadI64(t, &*m->dictionary_page_offset);
      case 12:
        AF_RETURN_IF_ERROR(r.ExpectStruct(t));
        m->statistics.emplace();
        return ParseStatistics(r, &*m->statistics);
      default: *h = false; return Status::OK();
    }
  }));
  const uint32_t required = (1u << 1) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 9);
  if ((seen & required) != required) return Status::Corruption("column metadata lacks a required field");
  return Status::OK();
}

Status ParseColumnChunk(ThriftReader& r, ColumnChunk* c) {
  return ForEachField(r, [&](int16_t id, uint8_t t, bool* h) -> Status {
    *h = true;
    switch (id) {
      case 1: c->file_path.emplace(); return r.ReadBinary(t, &*c->file_path);
      case 2: return r.ReadI64(t, &c->file_offset);
      case 3:
        AF_RETURN_IF_ERROR(r.ExpectStruct(t));
        c->meta_data.emplace();
        return ParseColumnMetaData(r, &*c->meta_data);
      case 8:  // crypto_metadata
      case 9:  // encrypted_column_metadata
        c->encrypted = true;
        *h = false;
        return Status::OK();
      default: *h = false; return Status::OK();
    }
  });
}

Status ParseRowGroup(ThriftReader& r, RowGroup* g) {
  return ForEachField(r, [&](int16_t id, uint8_t t, bool* h) -> Status {
    *h = true;
    switch (id) {
      case 1:
        return ParseList(r, t, &g->columns, [&](uint8_t et, ColumnChunk* c) -> Status {
          AF_RETURN_IF_ERROR(r.ExpectStruct(et));
          return ParseColumnChunk(r, c);
        });
      case 2: return r.ReadI64(t, &g->total_byte_size);
      case 3: return r.ReadI64(t, &g->num_rows);
      case 5: g->file_offset.emplace(); return r.ReadI64(t, &*g->file_offset);
      case 6: g->total_compressed_size.emplace(); return r.ReadI64(t, &*g->total_compressed_size);
      case 7: g->ordinal.emplace(); return r.ReadI32(t, &*g->ordinal);
      default: *h = false; return Status::OK();
    }
  });
}

}  // namespace

Status ParseFileMetaData(const uint8_t* data, size_t size, FileMetaData* m) {
  ThriftReader r(data, size);
  bool has_schema = false, has_row_groups = false;
  AF_RETURN_IF_ERROR(ForEachField(r, [&](int16_t id, uint8_t t, bool* h) -> Status {
    *h = true;
    switch (id) {
      case 1: return r.ReadI32(t, &m->version);
      case 2:
        has_schema = true;
        return ParseList(r, t, &m->schema, [&](uint8_t et, SchemaElement* e) -> Status {
          AF_RETURN_IF_ERROR(r.ExpectStruct(et));
          return ParseSchemaElement(r, e);
        });
      case 3: return r.ReadI64(t, &m->num_rows);
      case 4:
        has_row_groups = true;
        return ParseList(r, t, &m->row_groups, [&](uint8_t et, RowGroup* g) -> Status {
          AF_RETURN_IF_ERROR(r.ExpectStruct(et));
          return ParseRowGroup(r, g);
        });
      case 6: m->created_by.emplace(); return r.ReadBinary(t, &*m->created_by);
      case 8:
      case 9: m->encrypted = true; *h = false; return Status::OK();
      default: *h = false; return Status::OK();
    }
  }));
  if (!has_schema || !has_row_groups) return Status::Corruption("file metadata lacks the schema or the row groups");
  return Status::OK();
}

Status ParsePageHeader(const uint8_t* data, size_t size, PageHeader* h, size_t* consumed) {
  ThriftReader r(data, size);
  uint32_t seen = 0;
  AF_RETURN_IF_ERROR(ForEachField(r, [&](int16_t id, uint8_t t, bool* handled) -> Status {
    *handled = true;
    if (id >= 1 && id <= 8) seen |= 1u << id;
    switch (id) {
      case 1: return r.ReadI32(t, &h->type);
      case 2: return r.ReadI32(t, &h->uncompressed_page_size);
      case 3: return r.ReadI32(t, &h->compressed_page_size);
      case 4: h->crc.emplace(); return r.ReadI32(t, &*h->crc);
      case 5: {
        AF_RETURN_IF_ERROR(r.ExpectStruct(t));
        auto& d = h->data_page_header.emplace();
        return ForEachField(r, [&](int16_t i2, uint8_t t2, bool* h2) -> Status {
          *h2 = true;
          switch (i2) {
            case 1: return r.ReadI32(t2, &d.num_values);
            case 2: return r.ReadI32(t2, &d.encoding);
            case 3: return r.ReadI32(t2, &d.definition_level_encoding);
            case 4: return r.ReadI32(t2, &d.repetition_level_encoding);
            default: *h2 = false; return Status::OK();
          }
        });
      }
      case 7: {
        AF_RETURN_IF_ERROR(r.ExpectStruct(t));
        auto& d = h->dictionary_page_header.emplace();
        return ForEachField(r, [&](int16_t i2, uint8_t t2, bool* h2) -> Status {
          *h2 = true;
          switch (i2) {
            case 1: return r.ReadI32(t2, &d.num_values);
            case 2: return r.ReadI32(t2, &d.encoding);
            case 3: d.is_sorted.emplace(); return r.ReadBool(t2, &*d.is_sorted);
            default: *h2 = false; return Status::OK();
          }
        });
      }
      case 8: {
        AF_RETURN_IF_ERROR(r.ExpectStruct(t));
        auto& d = h->data_page_header_v2.emplace();
        return ForEachField(r, [&](int16_t i2, uint8_t t2, bool* h2) -> Status {
          *h2 = true;
          switch (i2) {
            case 1: return r.ReadI32(t2, &d.num_values);
            case 2: return r.ReadI32(t2, &d.num_nulls);
            case 3: return r.ReadI32(t2, &d.num_rows);
            case 4: return r.ReadI32(t2, &d.encoding);
            case 5: return r.ReadI32(t2, &d.definition_levels_byte_length);
            case 6: return r.ReadI32(t2, &d.repetition_levels_byte_length);
            case 7: return r.ReadBool(t2, &d.is_compressed);
            default: *h2 = false; return Status::OK();
          }
        });
      }
      default: *handled = false; return Status::OK();
    }
  }));
  const uint32_t required = (1u << 1) | (1u << 2) | (1u << 3);
  if ((seen & required) != required) return Status::Corruption("page header lacks a required field");
  *consumed = r.consumed();
  return Status::OK();
}

}  // namespace arxivflow::parquet::format
