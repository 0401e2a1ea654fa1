#include "gen/arxiv_record.h"

#include <cmath>
#include <cstdio>
#include <string_view>

#include "gen/civil_time.h"

namespace arxivflow::gen {
namespace {

constexpr std::string_view kSuffixes[] = {"", "Jr", "Jr.", "II", "III"};

// Shares of function words ("the", "of") in titles and abstracts, as
// counted in real ones.
constexpr double kTitleFunctionShare = 0.2;
constexpr double kAbstractFunctionShare = 0.42;

// Greedy line wrapping over JSON-escaped fragments: words are separated by a
// space, or by `brk` (an escaped line break plus indentation) when the line
// would exceed `limit` columns. Widths count code points of the plain text.
class Wrapper {
 public:
  Wrapper(OutBuffer* out, int limit, std::string_view brk, int brk_col, int col)
      : out_(out), limit_(limit), brk_(brk), brk_col_(brk_col), col_(col) {}

  // Appends a word; returns the offset of its first byte in the buffer.
  size_t Word(std::string_view bytes, uint32_t width) {
    if (!line_start_) {
      if (col_ + 1 + static_cast<int>(width) > limit_) {
        out_->Append(brk_);
        col_ = brk_col_;
      } else {
        out_->Push(' ');
        ++col_;
      }
    }
    line_start_ = false;
    const size_t at = out_->Size();
    out_->Append(bytes);
    col_ += static_cast<int>(width);
    return at;
  }
  // Appends text glued to the previous word (punctuation).
  void Glue(std::string_view bytes, int width) {
    out_->Append(bytes);
    col_ += width;
  }
  // Starts a new line (e.g. a paragraph) with `bytes` whose width is `col`.
  void Break(std::string_view bytes, int col) {
    out_->Append(bytes);
    col_ = col;
    line_start_ = true;
  }

 private:
  OutBuffer* out_;
  int limit_;
  std::string_view brk_;
  int brk_col_;
  int col_;
  bool line_start_ = true;
};

void Capitalize(OutBuffer* out, size_t at) {
  char& c = out->At(at);
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
}

template <typename T>
const T& Pick(const std::vector<T>& v, Rng& rng) {
  return v[rng.Below(v.size())];
}

void AppendF(OutBuffer* out, const char* fmt, auto... args) {
  char buf[256];
  const int n = std::snprintf(buf, sizeof(buf), fmt, args...);
  if (n > 0) out->Append(buf, static_cast<size_t>(n < static_cast<int>(sizeof(buf)) ? n : sizeof(buf) - 1));
}

int LogUniform(Rng& rng, double lo, double hi) {
  return static_cast<int>(std::exp(std::log(lo) + rng.Unit() * (std::log(hi) - std::log(lo))));
}

}  // namespace

ArxivRecordWriter::ArxivRecordWriter() : pools_(GetPools()) {}

int ArxivRecordWriter::PickAuthorCount(Rng& rng) {
  const double u = rng.Unit();
  if (u < 0.0005) return LogUniform(rng, 500, 3300);   // the big collaborations
  if (u < 0.0105) return LogUniform(rng, 30, 500);     // the long tail
  // Body: cumulative percentages for 1..10 authors, then 11-15 and 16-29.
  static constexpr double kCum[] = {13, 31, 48, 62, 72, 79, 84, 88, 91, 93.5, 98, 100};
  const double v = rng.Unit() * 100;
  int k = 0;
  while (k < 11 && v >= kCum[k]) ++k;
  if (k < 10) return k + 1;
  if (k == 10) return static_cast<int>(rng.Range(11, 15));
  return static_cast<int>(rng.Range(16, 29));
}

void ArxivRecordWriter::PickAuthors(Rng& rng, int count) {
  authors_.clear();
  const bool affiliations = count <= 12 && rng.Chance(0.04);
  const bool shared_affil = affiliations && rng.Chance(0.3);
  const int16_t shared = static_cast<int16_t>(rng.Below(pools_.affiliations.size()));
  for (int i = 0; i < count; ++i) {
    Author a{};
    a.first = rng.Chance(0.06) ? &Pick(pools_.accented_first, rng) : &Pick(pools_.first_names, rng);
    a.last = rng.Chance(0.08) ? &Pick(pools_.accented_last, rng) : &Pick(pools_.last_names, rng);
    const uint64_t f = rng.Below(100);
    a.form = f < 50 ? 0 : f < 62 ? 1 : f < 96 ? 2 : 3;
    if (a.first->initial == 0 && a.form >= 2) a.form = 0;
    a.middle = static_cast<char>('A' + rng.Below(26));
    if (a.form == 2 && rng.Chance(0.5)) a.middle = 0;  // single initial
    a.compact = a.form == 2 && a.middle != 0 && rng.Chance(0.15);
    a.suffix = rng.Chance(0.003) ? static_cast<uint8_t>(1 + rng.Below(4)) : 0;
    a.affil = affiliations ? (shared_affil ? shared : static_cast<int16_t>(rng.Below(pools_.affiliations.size()))) : -1;
    authors_.push_back(a);
  }
}

void ArxivRecordWriter::WriteFirstName(const Author& a, bool parsed, OutBuffer* out) {
  const Frag& first = (parsed || !style_.tex_names) ? a.first->uni : a.first->tex;
  switch (a.form) {
    case 0:
      out->Append(Esc(first));
      break;
    case 1:
      out->Append(Esc(first));
      out->Push(' ');
      out->Push(a.middle);
      out->Push('.');
      break;
    case 2:
      out->Push(a.first->initial);
      out->Push('.');
      if (a.middle != 0) {
        if (!a.compact || parsed) out->Push(' ');
        out->Push(a.middle);
        out->Push('.');
      }
      break;
    default:  // hyphenated initials: "C.-P." in the text, "C. -P." parsed
      out->Push(a.first->initial);
      out->Append(parsed ? ". -" : ".-");
      out->Push(a.middle);
      out->Push('.');
  }
}

void ArxivRecordWriter::WriteAuthorsText(OutBuffer* out) {
  out->Push('"');
  if (collaboration_ >= 0) {
    out->Append(Esc(pools_.collaborations[collaboration_]));
    out->Push('"');
    return;
  }
  Wrapper wrap(out, 76, "\\n  ", 2, 0);
  OutBuffer& scratch = scratch_;
  const bool comma_only = authors_.size() > 2 && (authors_.size() > 100 || (authors_.size() % 4 == 0));
  for (size_t i = 0; i < authors_.size(); ++i) {
    const Author& a = authors_[i];
    scratch.Clear();
    WriteFirstName(a, false, &scratch);
    scratch.Push(' ');
    const Frag& last = style_.tex_names ? a.last->tex : a.last->uni;
    scratch.Append(Esc(last));
    if (a.suffix) {
      scratch.Push(' ');
      scratch.Append(kSuffixes[a.suffix]);
    }
    if (a.affil >= 0) {
      scratch.Append(" (");
      scratch.Append(Esc(pools_.affiliations[a.affil]));
      scratch.Push(')');
    }
    const bool last_one = i + 1 == authors_.size();
    if (!last_one && !(i + 2 == authors_.size() && !comma_only)) scratch.Push(',');
    // Approximate width: escaped bytes are close enough to code points here.
    const uint32_t width = static_cast<uint32_t>(scratch.Size());
    wrap.Word(scratch.View(), width);
    if (i + 2 == authors_.size() && !comma_only) wrap.Word("and", 3);
  }
  out->Push('"');
}

void ArxivRecordWriter::WriteAuthorsParsed(OutBuffer* out) {
  out->Push('[');
  if (collaboration_ >= 0) {
    out->Append("[\"");
    out->Append(Esc(pools_.collaborations[collaboration_]));
    out->Append("\",\"\",\"\"]]");
    return;
  }
  for (size_t i = 0; i < authors_.size(); ++i) {
    const Author& a = authors_[i];
    if (i) out->Push(',');
    out->Append("[\"");
    out->Append(Esc(a.last->uni));
    out->Append("\",\"");
    WriteFirstName(a, true, out);
    out->Append("\",\"");
    out->Append(kSuffixes[a.suffix]);
    out->Push('"');
    if (a.affil >= 0) {  // the real snapshot adds the affiliation as a 4th entry
      out->Append(",\"");
      out->Append(Esc(pools_.affiliations[a.affil]));
      out->Push('"');
    }
    out->Push(']');
  }
  out->Push(']');
}

void ArxivRecordWriter::WriteTitle(Rng& rng, OutBuffer* out) {
  out->Push('"');
  Wrapper wrap(out, 72, "\\n  ", 2, 0);
  const int words = static_cast<int>(rng.Range(4, 13));
  const bool title_case = rng.Chance(0.15);
  const int math_at = rng.Chance(0.2) ? static_cast<int>(rng.Below(static_cast<uint64_t>(words))) : -1;
  // The abstract that follows shares the title's topic words, as real ones do.
  prose_.BeginDocument(rng, static_cast<int>(rng.Range(3, 8)));
  for (int i = 0; i < words; ++i) {
    if (i == math_at) {
      const Frag& m = Pick(pools_.math, rng);
      wrap.Word(Esc(m), m.width);
    }
    const ProseWord w = prose_.NextWord(rng, i == 0 ? 0.0 : kTitleFunctionShare, !style_.raw_utf8);
    const size_t at = wrap.Word(w.text, w.width);
    if (i == 0 || (title_case && w.width > 3)) Capitalize(out, at);
  }
  if (style_.exotic) wrap.Word("\\ud835\\udc9c\\u2014\\u00e9tude", 7);  // astral char, em dash
  out->Push('"');
}

void ArxivRecordWriter::WriteAbstract(Rng& rng, OutBuffer* out) {
  out->Append("\"  ");
  Wrapper wrap(out, 80, "\\n", 0, 2);
  const int paragraphs = rng.Chance(0.12) ? static_cast<int>(rng.Range(2, 3)) : 1;
  for (int p = 0; p < paragraphs; ++p) {
    if (p > 0) wrap.Break("\\n  ", 2);  // paragraph break: a new indented line
    const int sentences = static_cast<int>(rng.Range(paragraphs > 1 ? 2 : 4, paragraphs > 1 ? 5 : 8));
    for (int s = 0; s < sentences; ++s) {
      const Frag& st = Pick(pools_.starters, rng);
      wrap.Word(Esc(st), st.width);
      const int words = static_cast<int>(rng.Range(12, 30));
      for (int i = 0; i < words; ++i) {
        const uint64_t r = rng.Below(1000);
        if (r < 20) {
          const Frag& m = Pick(pools_.math, rng);
          wrap.Word(Esc(m), m.width);
        } else {
          const ProseWord w = prose_.NextWord(rng, kAbstractFunctionShare, !style_.raw_utf8);
          wrap.Word(w.text, w.width);
          if (r > 960 && i + 1 < words) wrap.Glue(",", 1);
        }
      }
      wrap.Glue(".", 1);
    }
  }
  if (style_.exotic) {
    wrap.Word("It\\u2019s\\u00a0a\\tdetail.", 13);
  }
  out->Append("\\n\"");
}

void ArxivRecordWriter::WriteComments(Rng& rng, OutBuffer* out) {
  const int pages = static_cast<int>(rng.Range(3, 60));
  const int figs = static_cast<int>(rng.Range(1, 20));
  const uint64_t r = rng.Below(100);
  out->Push('"');
  if (r < 45) AppendF(out, "%d pages, %d figures", pages, figs);
  else if (r < 55) AppendF(out, "%d pages", pages);
  else if (r < 62) AppendF(out, "%d pages, %d figures, %d tables", pages, figs, static_cast<int>(rng.Range(1, 8)));
  else if (r < 68) AppendF(out, "%d pages, %d figures; published version", pages, figs);
  else if (r < 74) { out->Append("To appear in "); out->Append(Esc(Pick(pools_.venues, rng))); }
  else if (r < 78) { out->Append("Accepted for publication in "); out->Append(Esc(Pick(pools_.venues, rng))); }
  else if (r < 83) AppendF(out, "%d pages, LaTeX, %d eps figures", pages, figs);
  else if (r < 87) AppendF(out, "v%d: minor corrections, references added", static_cast<int>(rng.Range(2, 4)));
  else if (r < 90) out->Append("Comments welcome!");
  else if (r < 93) { out->Append("Contribution to "); out->Append(Esc(Pick(pools_.venues, rng))); }
  else if (r < 97)
    AppendF(out, "%d pages, %d figures; this version matches the published one, with an\\n  extended discussion of the numerical results", pages, figs);
  else AppendF(out, "%d pages, %d figures, uses revtex4; v2: $\\\\sqrt{s}$ dependence discussed", pages, figs);
  out->Push('"');
}

void ArxivRecordWriter::WriteJournalRef(Rng& rng, int year, OutBuffer* out) {
  const std::string& j = Esc(Pick(pools_.journals, rng));
  const int y = year + static_cast<int>(rng.Below(3));
  const int vol = static_cast<int>(rng.Range(1, 120));
  const int page = static_cast<int>(rng.Range(1, 9999));
  out->Push('"');
  switch (rng.Below(4)) {
    case 0: out->Append(j); AppendF(out, "%d:%06d,%d", vol, page, y); break;
    case 1: out->Append(j); AppendF(out, " %d (%d) %d-%d", vol, y, page, page + static_cast<int>(rng.Range(5, 40))); break;
    case 2: out->Append(j); AppendF(out, " %d, %d (%d)", vol, page, y); break;
    default:
      out->Append(j);
      AppendF(out, " %d (%d) no.%d, %d-%d", vol, y, static_cast<int>(rng.Range(1, 12)), page, page + static_cast<int>(rng.Range(5, 40)));
  }
  out->Push('"');
}

void ArxivRecordWriter::WriteDoi(Rng& rng, int year, OutBuffer* out) {
  out->Push('"');
  const int n = rng.Chance(0.04) ? 2 : 1;
  for (int k = 0; k < n; ++k) {
    if (k) out->Push(' ');
    const int y = year + static_cast<int>(rng.Below(2));
    const unsigned a = static_cast<unsigned>(rng.Below(100000)), b = static_cast<unsigned>(rng.Below(1000));
    switch (rng.Below(8)) {
      case 0: AppendF(out, "10.1103/PhysRevD.%u.%06u", 60 + b % 50, a); break;
      case 1: AppendF(out, "10.1088/1126-6708/%d/%02u/%03u", y, 1 + b % 12, a % 1000); break;
      case 2: AppendF(out, "10.1016/j.physletb.%d.%02u.%03u", y, 1 + b % 12, a % 1000); break;
      case 3: AppendF(out, "10.1007/s%05u-%03u-%04u-%u", 220 + b % 20, b, a % 10000, a % 10); break;
      case 4: AppendF(out, "10.1093/mnras/stab%04u", a % 10000); break;
      case 5: AppendF(out, "10.1109/TIT.%d.%07u", y, a * 10 + b % 10); break;
      case 6: AppendF(out, "10.1051/0004-6361/%d%05u", y, a); break;
      default: AppendF(out, "10.3847/1538-4357/ab%04x", a & 0xFFFF); break;
    }
  }
  out->Push('"');
}

void ArxivRecordWriter::WriteReportNo(Rng& rng, int year, OutBuffer* out) {
  const std::string& p = Esc(Pick(pools_.report_prefixes, rng));
  const int yy = year % 100;
  const int num = static_cast<int>(rng.Range(1, 350));
  out->Push('"');
  out->Append(p);
  switch (rng.Below(3)) {
    case 0: AppendF(out, "-%02d-%03d", yy, num); break;
    case 1: AppendF(out, "/%d-%03d", year, num); break;
    default: AppendF(out, " %02d-%03d", yy, num);
  }
  if (rng.Chance(0.1)) AppendF(out, ", %s-%d", "UCB-PTH", static_cast<int>(rng.Range(1, 99)));
  out->Push('"');
}

void ArxivRecordWriter::WriteCategories(Rng& rng, const PaperId& id, OutBuffer* out) {
  const uint64_t r = rng.Below(100);
  const int count = r < 50 ? 1 : r < 80 ? 2 : r < 93 ? 3 : r < 98 ? 4 : 5;
  out->Push('"');
  std::string_view primary;
  if (id.archive >= 0) {
    const Archive& arc = pools_.archives[id.archive];
    primary = arc.subjects.empty() ? std::string_view(arc.name) : std::string_view(Pick(arc.subjects, rng));
  } else {
    primary = PickWeighted(pools_.categories, rng.Unit()).ascii;
  }
  out->Append(primary);
  cats_.clear();
  for (int k = 1; k < count; ++k) {
    for (int attempt = 0; attempt < 8; ++attempt) {
      const Frag& c = PickWeighted(pools_.categories, rng.Unit());
      bool dup = c.ascii == primary;
      for (const Frag* e : cats_) dup = dup || e == &c;
      if (dup) continue;
      cats_.push_back(&c);
      out->Push(' ');
      out->Append(c.ascii);
      break;
    }
  }
  out->Push('"');
}

int64_t ArxivRecordWriter::WriteVersions(Rng& rng, const PaperId& id, OutBuffer* out) {
  static constexpr double kCum[] = {0.52, 0.80, 0.91, 0.955, 0.975, 0.985, 0.991, 0.995, 0.998, 1.0};
  const double u = rng.Unit();
  int count = 1;
  while (count < 10 && u >= kCum[count - 1]) ++count;
  int64_t day = DaysFromCivil(id.year, id.month, static_cast<int>(rng.Range(1, DaysInMonth(id.year, id.month))));
  if (rng.Chance(0.03)) day = DaysFromCivil(id.year, id.month, 1) - 1;  // submitted the day before
  int64_t t = day * 86400 + static_cast<int64_t>(rng.Below(86400));
  out->Push('[');
  for (int v = 1; v <= count; ++v) {
    if (v > 1) {
      // Revisions: an hour to a few years later, mostly within months.
      const double gap_days = -std::log(1.0 - rng.Unit()) * 90.0;
      t += 3600 + static_cast<int64_t>(gap_days * 86400.0);
      out->Push(',');
    }
    out->Append("{\"version\":\"v");
    out->AppendUInt(static_cast<uint64_t>(v));
    out->Append("\",\"created\":\"");
    AppendRfc2822(t, out);
    out->Append("\"}");
  }
  out->Push(']');
  return t;
}

void ArxivRecordWriter::Write(const PaperId& id, Rng& rng, OutBuffer* out) {
  const bool old_style = id.archive >= 0;
  style_.all_null = rng.Chance(0.0005);
  style_.empty_comments = rng.Chance(0.001);
  style_.exotic = rng.Chance(0.001);
  style_.raw_utf8 = rng.Chance(0.02);
  style_.tex_names = rng.Chance(old_style ? 0.9 : 0.5);
  collaboration_ = rng.Chance(0.0005) ? static_cast<int>(rng.Below(pools_.collaborations.size())) : -1;
  PickAuthors(rng, PickAuthorCount(rng));

  out->Append("{\"id\":\"");
  out->Append(id.text, static_cast<size_t>(id.length));
  out->Append("\",\"submitter\":");
  if (style_.all_null || rng.Chance(0.0005)) {
    out->Append("null");
  } else {
    const Author& s = authors_[rng.Below(authors_.size())];
    out->Push('"');
    out->Append(Esc(s.first->uni));
    out->Push(' ');
    out->Append(Esc(s.last->uni));
    out->Push('"');
  }
  out->Append(",\"authors\":");
  WriteAuthorsText(out);
  out->Append(",\"title\":");
  WriteTitle(rng, out);
  out->Append(",\"comments\":");
  if (style_.empty_comments) out->Append("\"\"");
  else if (style_.all_null || rng.Chance(0.25)) out->Append("null");
  else WriteComments(rng, out);
  const bool has_jref = !style_.all_null && rng.Chance(0.35);
  out->Append(",\"journal-ref\":");
  if (has_jref) WriteJournalRef(rng, id.year, out);
  else out->Append("null");
  out->Append(",\"doi\":");
  if (!style_.all_null && rng.Chance(has_jref ? 0.88 : 0.22)) WriteDoi(rng, id.year, out);
  else out->Append("null");
  out->Append(",\"report-no\":");
  if (!style_.all_null && rng.Chance(0.12)) WriteReportNo(rng, id.year, out);
  else out->Append("null");
  out->Append(",\"categories\":");
  WriteCategories(rng, id, out);
  out->Append(",\"license\":");
  if (style_.all_null || rng.Chance(old_style ? 0.88 : 0.155)) {
    out->Append("null");
  } else {
    out->Push('"');
    out->Append(PickWeighted(old_style ? pools_.licenses_old : pools_.licenses_new, rng.Unit()).ascii);
    out->Push('"');
  }
  out->Append(",\"abstract\":");
  WriteAbstract(rng, out);
  out->Append(",\"versions\":");
  const int64_t last = WriteVersions(rng, id, out);
  out->Append(",\"update_date\":\"");
  int64_t updated = last;
  if (rng.Chance(0.55)) updated += static_cast<int64_t>(rng.Below(1500)) * 86400;
  AppendIsoDate(updated, out);
  out->Append("\",\"authors_parsed\":");
  WriteAuthorsParsed(out);
  out->Append("}\n");
}

}  // namespace arxivflow::gen
