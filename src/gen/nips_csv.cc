#include "gen/nips_csv.h"

#include <cctype>
#include <string>

#include "gen/csv_quote.h"
#include "gen/out_buffer.h"
#include "gen/rng.h"
#include "gen/text_pools.h"

namespace arxivflow::gen {
namespace {

constexpr uint64_t kNipsStream = 0x4E495053;  // "NIPS": keeps its Rng apart from the snapshot's
constexpr size_t kChunkBytes = 8 << 20;

const std::string& PickWord(const Pools& p, Rng& rng) { return p.words[rng.Below(p.words.size())].plain; }

std::string Sentence(const Pools& p, Rng& rng, int min_words, int max_words) {
  std::string s = p.starters[rng.Below(p.starters.size())].plain;
  const int words = static_cast<int>(rng.Range(min_words, max_words));
  for (int i = 0; i < words; ++i) {
    s.push_back(' ');
    if (rng.Chance(0.03)) s += p.math[rng.Below(p.math.size())].plain;
    else s += PickWord(p, rng);
    if (rng.Chance(0.05) && i + 1 < words) s.push_back(',');
  }
  s.push_back('.');
  return s;
}

// Appends `text` wrapped at `width` columns with "\n".
void AppendWrapped(const std::string& text, size_t width, std::string* out) {
  size_t col = 0, start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const size_t len = end - start;
    if (col > 0 && col + 1 + len > width) {
      out->push_back('\n');
      col = 0;
    } else if (col > 0) {
      out->push_back(' ');
      ++col;
    }
    out->append(text, start, len);
    col += len;
    start = end + 1;
  }
}

}  // namespace

Status GenerateNipsCsv(const NipsOptions& options, const ChunkSink& sink) {
  const Pools& p = GetPools();
  Rng rng(DeriveSeed(options.seed, kNipsStream));
  OutBuffer out(kChunkBytes + (1 << 20));
  out.Append("id,year,title,event_type,pdf_name,abstract,paper_text\n");
  std::string title, slug, abstract, text;
  for (uint64_t id = 1; id <= options.records; ++id) {
    // Years rise with the id, as in the real table (1987 .. 2017).
    const int year = 1987 + static_cast<int>((id - 1) * 31 / (options.records ? options.records : 1));
    title.clear();
    const int words = static_cast<int>(rng.Range(3, 12));
    for (int i = 0; i < words; ++i) {
      if (i) title.push_back(' ');
      std::string w = PickWord(p, rng);
      if (i == 0 || rng.Chance(0.5)) w[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
      title += w;
      if (i == 1 && rng.Chance(0.1)) title.push_back(',');
      if (i == 2 && rng.Chance(0.05)) title += ": A \"Simple\" View";
    }
    slug.clear();
    for (char c : title) {
      const unsigned char u = static_cast<unsigned char>(c);
      if (std::isalnum(u)) slug.push_back(static_cast<char>(std::tolower(u)));
      else if (!slug.empty() && slug.back() != '-') slug.push_back('-');
    }
    while (!slug.empty() && slug.back() == '-') slug.pop_back();

    std::string_view event;
    if (year >= 2013) {
      const uint64_t r = rng.Below(100);
      event = r < 70 ? "Poster" : r < 85 ? "Spotlight" : r < 92 ? "Oral" : "";
    }
    abstract.clear();
    if (year < 2008 ? rng.Chance(0.93) : rng.Chance(0.01)) {
      abstract = "Abstract Missing";
    } else {
      std::string para;
      const int sentences = static_cast<int>(rng.Range(4, 9));
      for (int s = 0; s < sentences; ++s) {
        if (s) para.push_back(' ');
        para += Sentence(p, rng, 8, 22);
      }
      AppendWrapped(para, 90, &abstract);
    }
    text.clear();
    text += title;
    text += "\n\n";
    text += p.first_names[rng.Below(p.first_names.size())].uni.plain + " " +
            p.last_names[rng.Below(p.last_names.size())].uni.plain + "\n";
    text += p.affiliations[rng.Below(p.affiliations.size())].plain + "\n\nAbstract\n\n";
    const int sections = static_cast<int>(rng.Range(3, 8));
    for (int sec = 1; sec <= sections; ++sec) {
      text += std::to_string(sec) + "\t" + PickWord(p, rng) + " " + PickWord(p, rng) + "\n\n";
      const int paras = static_cast<int>(rng.Range(1, 4));
      for (int k = 0; k < paras; ++k) {
        std::string para;
        const int sentences = static_cast<int>(rng.Range(3, 8));
        for (int s = 0; s < sentences; ++s) {
          if (s) para.push_back(' ');
          para += Sentence(p, rng, 8, 22);
        }
        AppendWrapped(para, 75, &text);
        text += "\n\n";
      }
    }
    text += "References\n\n[1] " + p.last_names[rng.Below(p.last_names.size())].uni.plain +
            ", \"" + title + ",\" NIPS " + std::to_string(year - 1) + ".\n";

    out.AppendUInt(id);
    out.Push(',');
    out.AppendUInt(static_cast<uint64_t>(year));
    out.Push(',');
    AppendCsvField(title, &out);
    out.Push(',');
    AppendCsvField(event, &out);
    out.Push(',');
    out.AppendUInt(id);
    out.Push('-');
    out.Append(slug);
    out.Append(".pdf,");
    AppendCsvField(abstract, &out);
    out.Push(',');
    AppendCsvField(text, &out);
    out.Push('\n');
    if (out.Size() >= kChunkBytes) {
      AF_RETURN_IF_ERROR(sink(out.View()));
      out.Clear();
    }
  }
  if (out.Size() > 0) AF_RETURN_IF_ERROR(sink(out.View()));
  return Status::OK();
}

}  // namespace arxivflow::gen
