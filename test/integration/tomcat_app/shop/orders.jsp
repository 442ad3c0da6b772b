<%@ page contentType="text/html" %><%
  // The failure a fresh deploy often has: a setting the code needs is missing.
  String db = System.getenv("SHOP_DATABASE_URL");
  if (db == null) throw new IllegalStateException("SHOP_DATABASE_URL is not set");
%>orders
