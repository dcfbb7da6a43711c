using System.ComponentModel.DataAnnotations;

namespace Portal.HostGuardian.AdminPages.Pages;

public sealed class HgsSignInInput
{
    [Required(ErrorMessage = "Enter the HGS admin key.")]
    [MaxLength(512, ErrorMessage = "That is longer than any admin key.")]
    public string AdminKey { get; set; } = "";
}
