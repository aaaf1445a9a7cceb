// No inline script anywhere: the page's policy allows only this server's own files.
document.getElementById("restart").addEventListener("click", () => {
  window.location.href = "/";
});
