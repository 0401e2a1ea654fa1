#include "remote/s3_xml.h"

#include <charconv>

#include "remote/xml_lite.h"

namespace arxivflow::remote {

S3ErrorInfo ParseS3Error(std::string_view body) {
  S3ErrorInfo info;
  auto doc = ParseXml(body);
  if (!doc.ok() || doc->name != "Error") return info;
  info.code = doc->ChildText("Code");
  info.message = doc->ChildText("Message");
  for (const char* field : {"Key", "BucketName", "Resource"}) {
    std::string v = doc->ChildText(field);
    if (!v.empty()) {
      info.resource = v;
      break;
    }
  }
  info.request_id = doc->ChildText("RequestId");
  return info;
}

Result<S3ListPage> ParseListObjectsV2(std::string_view body) {
  AF_ASSIGN_OR_RETURN(XmlElement doc, ParseXml(body));
  if (doc.name != "ListBucketResult") {
    return Status::Corruption("ListObjectsV2: expected <ListBucketResult>, got <" + doc.name + ">");
  }
  S3ListPage page;
  for (const XmlElement* c : doc.Children("Contents")) {
    S3ObjectSummary s;
    s.key = c->ChildText("Key");
    if (s.key.empty()) return Status::Corruption("ListObjectsV2: <Contents> without <Key>");
    std::string size = c->ChildText("Size");
    if (!size.empty()) {
      auto [p, ec] = std::from_chars(size.data(), size.data() + size.size(), s.size);
      if (ec != std::errc() || p != size.data() + size.size()) {
        return Status::Corruption("ListObjectsV2: bad <Size> '" + size + "' for key " + s.key);
      }
    }
    s.etag = c->ChildText("ETag");
    s.last_modified = c->ChildText("LastModified");
    page.objects.push_back(std::move(s));
  }
  for (const XmlElement* p : doc.Children("CommonPrefixes")) page.common_prefixes.push_back(p->ChildText("Prefix"));
  page.is_truncated = doc.ChildText("IsTruncated") == "true";
  page.next_continuation_token = doc.ChildText("NextContinuationToken");
  if (page.is_truncated && page.next_continuation_token.empty()) {
    return Status::Corruption("ListObjectsV2: truncated page without <NextContinuationToken>");
  }
  return page;
}

Result<std::string> ParseInitiateMultipartUpload(std::string_view body) {
  AF_ASSIGN_OR_RETURN(XmlElement doc, ParseXml(body));
  std::string id = doc.ChildText("UploadId");
  if (doc.name != "InitiateMultipartUploadResult" || id.empty()) {
    return Status::Corruption("CreateMultipartUpload: response has no <UploadId>");
  }
  return id;
}

Status CheckCompleteMultipartUpload(std::string_view body) {
  AF_ASSIGN_OR_RETURN(XmlElement doc, ParseXml(body));
  if (doc.name == "Error") {
    return Status::IOError("CompleteMultipartUpload: " + doc.ChildText("Code") + ": " + doc.ChildText("Message"));
  }
  if (doc.name != "CompleteMultipartUploadResult") {
    return Status::Corruption("CompleteMultipartUpload: unexpected <" + doc.name + ">");
  }
  return Status::OK();
}

std::string BuildCompleteMultipartUploadBody(const std::vector<std::string>& etags) {
  std::string out = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (size_t i = 0; i < etags.size(); ++i) {
    out += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + XmlEscape(etags[i]) +
           "</ETag></Part>";
  }
  out += "</CompleteMultipartUpload>";
  return out;
}

}  // namespace arxivflow::remote
