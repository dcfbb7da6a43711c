namespace Portal.Web.Features.TemplateLibrary;

/// <summary>A disk passed the library's size limit while it streamed; answered like any oversized body (413).</summary>
public sealed class DiskTooLargeException(long limit)
    : BadHttpRequestException($"The template disk is larger than the library's limit of {limit} bytes (Library:MaxDiskBytes).",
        StatusCodes.Status413PayloadTooLarge)
{
    public long Limit { get; } = limit;
}
